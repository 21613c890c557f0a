-- Version 1: the layout actortx created at every start before its tables were versioned (the
-- idempotency keys, the saga log and its functions), plus the version table itself.
-- It also adopts a database such an actortx left behind: every table and index is created
-- only if missing (so its rows stay as they are) and every function is replaced.
-- The runner (migrate.cpp) wraps this file in a transaction and records the version row.

CREATE SCHEMA IF NOT EXISTS actortx;

-- One row per applied migration; the runner reads max(version) at every start.
CREATE TABLE IF NOT EXISTS actortx.schema_version (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  -- The node (runtime_config::node_id) whose start applied it; '' when none was configured.
  applied_by text NOT NULL DEFAULT '',
  -- The role and client address the server saw, to find the process when applied_by is ''.
  applied_from text NOT NULL
    DEFAULT current_user || '@' || coalesce(host(inet_client_addr()), 'local socket'));

-- A transaction's idempotency key, written in the same transaction as its effects.
CREATE TABLE IF NOT EXISTS actortx.idempotency_keys (
  key text PRIMARY KEY,
  tx_id bigint NOT NULL,
  label text NOT NULL DEFAULT '',
  committed_at timestamptz NOT NULL DEFAULT now());

-- The saga log: one row per saga, one per step that ran (or was fenced).
CREATE TABLE IF NOT EXISTS actortx.saga (
  id text PRIMARY KEY,
  type text NOT NULL,
  state text NOT NULL,
  context jsonb NOT NULL DEFAULT '{}',
  owner text NOT NULL,
  lease_until timestamptz NOT NULL,
  error text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());

CREATE INDEX IF NOT EXISTS saga_unfinished ON actortx.saga (lease_until)
  WHERE state IN ('STARTED', 'EXECUTING', 'COMPENSATING');

CREATE TABLE IF NOT EXISTS actortx.saga_step (
  saga_id text NOT NULL,
  step_no integer NOT NULL,
  name text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  compensation_attempts integer NOT NULL DEFAULT 0,
  error text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (saga_id, step_no));

-- The saga row's upsert, the one place it is written: inserts the row or changes it only
-- while p_owner owns the saga, else raises XA001 (saga_not_owner_sqlstate), so a node whose
-- lease expired cannot write a step a new owner also writes.
CREATE OR REPLACE FUNCTION actortx.saga_upsert(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_owner text;
BEGIN
  INSERT INTO actortx.saga AS s (id, type, state, context, owner, lease_until, error)
  VALUES (p_id, p_type, p_state, p_context, p_owner,
          now() + make_interval(secs => p_lease_ms / 1000.0), p_error)
  ON CONFLICT (id) DO UPDATE
    SET state = EXCLUDED.state, context = EXCLUDED.context, error = EXCLUDED.error,
        lease_until = EXCLUDED.lease_until, updated_at = now()
    WHERE s.owner = EXCLUDED.owner;
  IF NOT FOUND THEN
    SELECT owner INTO current_owner FROM actortx.saga WHERE id = p_id;
    RAISE EXCEPTION 'saga % is owned by node %, not by %', p_id, current_owner, p_owner
      USING ERRCODE = 'XA001';
  END IF;
END
$fn$;

-- A log write of the saga actor (saga_write_statement): the saga row, and a step row when
-- p_step >= 0. One round trip, and the ownership check cannot be forgotten by a caller.
CREATE OR REPLACE FUNCTION actortx.saga_write(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text, p_step integer, p_step_name text, p_step_state text, p_attempts integer,
    p_compensation_attempts integer, p_step_error text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM actortx.saga_upsert(p_id, p_type, p_state, p_context, p_owner, p_lease_ms, p_error);
  IF p_step >= 0 THEN
    INSERT INTO actortx.saga_step AS st
      (saga_id, step_no, name, state, attempts, compensation_attempts, error)
    VALUES (p_id, p_step, p_step_name, p_step_state,
            CASE WHEN p_attempts >= 0 THEN p_attempts ELSE coalesce(nullif(
              split_part(current_setting('application_name'), '/', 3), '')::integer, 0) END,
            p_compensation_attempts, p_step_error)
    ON CONFLICT (saga_id, step_no) DO UPDATE
      SET state = EXCLUDED.state, attempts = greatest(st.attempts, EXCLUDED.attempts),
          compensation_attempts = EXCLUDED.compensation_attempts, error = EXCLUDED.error,
          updated_at = now();
  END IF;
END
$fn$;

-- A step's own log write, for a step on this database (step_done_statement). Cheaper than
-- saga_write() because it runs for every step of every saga: the saga row is only locked (FOR
-- KEY SHARE: enough to check the owner and to make a claim skip the saga until we commit,
-- without blocking lease renewals, and no new row version) unless the caller must change it
-- (first or last step, changed context); the step row is inserted, never updated, so it
-- doubles as the step's idempotency key: it conflicts with the same step's row from an earlier
-- commit (XA002) or a fence (XA003), and the whole transaction, the step's effects included,
-- rolls back.
CREATE OR REPLACE FUNCTION actortx.saga_step_done(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text, p_write_saga boolean, p_step integer, p_step_name text,
    p_compensation_attempts integer, p_step_error text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_owner text;
  have_row boolean := false;
  prior text;
BEGIN
  IF NOT p_write_saga THEN
    SELECT owner INTO current_owner FROM actortx.saga WHERE id = p_id FOR KEY SHARE;
    have_row := FOUND;
  END IF;
  IF NOT have_row THEN
    PERFORM actortx.saga_upsert(p_id, p_type, p_state, p_context, p_owner, p_lease_ms, p_error);
  ELSIF current_owner <> p_owner THEN
    RAISE EXCEPTION 'saga % is owned by node %, not by %', p_id, current_owner, p_owner
      USING ERRCODE = 'XA001';
  END IF;
  -- ON CONFLICT waits for a transaction that inserted the same row and is still running.
  INSERT INTO actortx.saga_step
    (saga_id, step_no, name, state, attempts, compensation_attempts, error)
  VALUES (p_id, p_step, p_step_name, 'DONE',
          coalesce(nullif(split_part(current_setting('application_name'), '/', 3), '')::integer,
                   0),
          p_compensation_attempts, p_step_error)
  ON CONFLICT (saga_id, step_no) DO NOTHING;
  IF NOT FOUND THEN
    SELECT state INTO prior FROM actortx.saga_step WHERE saga_id = p_id AND step_no = p_step;
    IF prior = 'FAILED' THEN
      RAISE EXCEPTION 'step % of saga % is fenced: the saga decided it did not run', p_step, p_id
        USING ERRCODE = 'XA003';
    END IF;
    RAISE EXCEPTION 'step % of saga % committed before (its log row is %)', p_step, p_id, prior
      USING ERRCODE = 'XA002';
  END IF;
END
$fn$;
