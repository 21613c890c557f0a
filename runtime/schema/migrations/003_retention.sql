-- Version 3: retention. Finished sagas (with their steps and events) and idempotency keys older
-- than the configured retention are pruned in small batches, one node at a time.
--  * idempotency_keys_committed: btree on committed_at, so a batch finds the oldest keys
--    without a scan. Measured against BRIN and no index (docs/benchmarks.md, "Idempotency
--    keys"): the keyed transaction's cost differs by less than the noise between rounds, and
--    BRIN's ranges only ever widen once pruned pages are refilled with new keys, so its prune
--    scan would degrade with time.
--  * saga_finished: the finished sagas by age (FAILED ones are kept for an operator).
--  * maintenance_lease: which node prunes; the lease outlives a round (the holder takes the
--    next one too unless it stopped), and a node that dies leaves it to expire.
--  * prune_batch(): one batch, in one transaction, under the lease.

CREATE INDEX IF NOT EXISTS idempotency_keys_committed
  ON actortx.idempotency_keys (committed_at);

CREATE INDEX IF NOT EXISTS saga_finished ON actortx.saga (updated_at)
  WHERE state IN ('COMMITTED', 'COMPENSATED');

CREATE TABLE IF NOT EXISTS actortx.maintenance_lease (
  name text PRIMARY KEY,
  owner text NOT NULL,
  lease_until timestamptz NOT NULL);

-- Takes or renews lease p_name for p_owner until now() + p_lease_ms: returns '' when p_owner
-- holds it now, else the node that does. It waits at most for the holder's batch in progress
-- (one short transaction).
-- The lease runs on the server's clock, never on a caller's p_now.
CREATE OR REPLACE FUNCTION actortx.maintenance_lease_take(
    p_name text, p_owner text, p_lease_ms bigint) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  holder text;
BEGIN
  INSERT INTO actortx.maintenance_lease (name, owner, lease_until)
  VALUES (p_name, p_owner, now() - interval '1 second')
  ON CONFLICT (name) DO NOTHING;
  -- Taken or renewed only by an UPDATE whose condition is checked again on the newest row
  -- version after a wait: of two nodes racing for an expired lease, the second sees the
  -- first's and gets nothing. Only a holder's batch locks the row (for its short transaction);
  -- a node that merely finds the lease held locks nothing, so it never stalls the holder.
  UPDATE actortx.maintenance_lease
     SET owner = p_owner, lease_until = now() + make_interval(secs => p_lease_ms / 1000.0)
   WHERE name = p_name AND (owner = p_owner OR lease_until <= now());
  IF FOUND THEN
    RETURN '';
  END IF;
  SELECT owner INTO holder FROM actortx.maintenance_lease WHERE name = p_name;
  RETURN holder;
END
$fn$;

-- ONE batch of pruning under lease 'prune' (renewed by each batch). Rows older than
-- p_now - p_retention_ms go: at most p_batch finished sagas (COMMITTED, COMPENSATED), each with
-- its saga_step and saga_event rows in this same transaction (never a saga without its steps),
-- and at most p_batch idempotency keys. Rows locked by a running transaction are skipped, not
-- waited for. A step key ('saga/<id>/<step>/do|undo') of a saga that is still in the log and
-- not finished (running, or FAILED and waiting for an operator's retry) is kept however old:
-- resuming that saga resolves an in-doubt step by its key, and a pruned key would read as
-- "never ran". held_by: '' when the batch ran, else the node holding the lease (nothing
-- deleted); older_than: the cutoff (ISO 8601, UTC).
CREATE OR REPLACE FUNCTION actortx.prune_batch(
    p_owner text, p_lease_ms bigint, p_now timestamptz, p_retention_ms bigint,
    p_batch integer)
RETURNS TABLE (held_by text, sagas bigint, steps bigint, events bigint, keys bigint,
               older_than text)
LANGUAGE plpgsql AS $fn$
DECLARE
  cutoff timestamptz := p_now - make_interval(secs => p_retention_ms / 1000.0);
  ids text[];
BEGIN
  held_by := actortx.maintenance_lease_take('prune', p_owner, p_lease_ms);
  sagas := 0; steps := 0; events := 0; keys := 0;
  older_than := to_char(cutoff AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  IF held_by <> '' THEN
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT array_agg(id) INTO ids FROM (
    SELECT id FROM actortx.saga
     WHERE state IN ('COMMITTED', 'COMPENSATED') AND updated_at < cutoff
     ORDER BY updated_at LIMIT p_batch FOR UPDATE SKIP LOCKED) AS old;
  IF ids IS NOT NULL THEN
    DELETE FROM actortx.saga_step WHERE saga_id = ANY (ids);
    GET DIAGNOSTICS steps = ROW_COUNT;
    DELETE FROM actortx.saga_event WHERE saga_id = ANY (ids);
    GET DIAGNOSTICS events = ROW_COUNT;
    DELETE FROM actortx.saga WHERE id = ANY (ids);
    GET DIAGNOSTICS sagas = ROW_COUNT;
  END IF;
  DELETE FROM actortx.idempotency_keys WHERE key IN (
    SELECT k.key FROM actortx.idempotency_keys k
     WHERE k.committed_at < cutoff
       AND NOT EXISTS (
         SELECT 1 FROM actortx.saga s
          WHERE s.id = substring(k.key FROM '^saga/(.+)/[0-9]+/(?:do|undo)$')
            AND s.state NOT IN ('COMMITTED', 'COMPENSATED'))
     ORDER BY k.committed_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS keys = ROW_COUNT;
  RETURN NEXT;
END
$fn$;
