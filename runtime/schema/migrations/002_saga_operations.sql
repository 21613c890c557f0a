-- Version 2: sagas for operators and for the long run.
--  * a saga runs on the version of its type it started with (version);
--  * a deadline for the whole saga (deadline), kept so a recovering node honours it;
--  * an operator's cancel, pending until the driving node acts on it (cancel_requested);
--  * the state a saga was in when it became FAILED (failed_in), so a retry goes on from there;
--  * which node logged a step, and when first (saga_step.node, created_at);
--  * the saga's history besides its steps: who did what and why (saga_event).
-- Columns are added with constant defaults (no table rewrite). The functions of version 1 stay
-- as they were, so a node of the previous release keeps working during a rolling upgrade; this
-- release calls the new overloads below.

ALTER TABLE actortx.saga ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;
ALTER TABLE actortx.saga ADD COLUMN IF NOT EXISTS deadline timestamptz;
ALTER TABLE actortx.saga ADD COLUMN IF NOT EXISTS cancel_requested text NOT NULL DEFAULT '';
ALTER TABLE actortx.saga ADD COLUMN IF NOT EXISTS failed_in text NOT NULL DEFAULT '';
ALTER TABLE actortx.saga_step ADD COLUMN IF NOT EXISTS node text NOT NULL DEFAULT '';
ALTER TABLE actortx.saga_step ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL
  DEFAULT now();

-- Listings: newest first, by creation time; FAILED sagas (an operator's worklist) on their own.
CREATE INDEX IF NOT EXISTS saga_created ON actortx.saga (created_at);
CREATE INDEX IF NOT EXISTS saga_failed ON actortx.saga (updated_at) WHERE state = 'FAILED';

CREATE TABLE IF NOT EXISTS actortx.saga_event (
  saga_id text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  by text NOT NULL,       -- an operator's name, or 'node:<node id>'
  action text NOT NULL,   -- retry, cancel, deadline, release, fail, ...
  reason text NOT NULL DEFAULT '',
  PRIMARY KEY (saga_id, seq));

-- The saga row's upsert (version 2): as version 1, and on insert also the version and the
-- deadline (p_deadline_ms from now; negative: none). A state past EXECUTING ends a pending
-- cancel (the history keeps who asked); FAILED remembers the state it came from.
CREATE OR REPLACE FUNCTION actortx.saga_upsert(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text, p_version integer, p_deadline_ms bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_owner text;
BEGIN
  INSERT INTO actortx.saga AS s
    (id, type, state, context, owner, lease_until, error, version, deadline)
  VALUES (p_id, p_type, p_state, p_context, p_owner,
          now() + make_interval(secs => p_lease_ms / 1000.0), p_error, p_version,
          CASE WHEN p_deadline_ms >= 0
               THEN now() + make_interval(secs => p_deadline_ms / 1000.0) END)
  ON CONFLICT (id) DO UPDATE
    SET state = EXCLUDED.state, context = EXCLUDED.context, error = EXCLUDED.error,
        lease_until = EXCLUDED.lease_until, updated_at = now(),
        cancel_requested = CASE WHEN EXCLUDED.state IN ('STARTED', 'EXECUTING')
                                THEN s.cancel_requested ELSE '' END,
        failed_in = CASE WHEN EXCLUDED.state = 'FAILED' AND s.state <> 'FAILED' THEN s.state
                         WHEN EXCLUDED.state = 'FAILED' THEN s.failed_in ELSE '' END
    WHERE s.owner = EXCLUDED.owner;
  IF NOT FOUND THEN
    SELECT owner INTO current_owner FROM actortx.saga WHERE id = p_id;
    RAISE EXCEPTION 'saga % is owned by node %, not by %', p_id, current_owner, p_owner
      USING ERRCODE = 'XA001';
  END IF;
END
$fn$;

-- saga_write (version 2): the saga row through the upsert above, the step row with its node.
CREATE OR REPLACE FUNCTION actortx.saga_write(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text, p_step integer, p_step_name text, p_step_state text, p_attempts integer,
    p_compensation_attempts integer, p_step_error text, p_version integer,
    p_deadline_ms bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM actortx.saga_upsert(p_id, p_type, p_state, p_context, p_owner, p_lease_ms, p_error,
                              p_version, p_deadline_ms);
  IF p_step >= 0 THEN
    INSERT INTO actortx.saga_step AS st
      (saga_id, step_no, name, state, attempts, compensation_attempts, error, node)
    VALUES (p_id, p_step, p_step_name, p_step_state,
            CASE WHEN p_attempts >= 0 THEN p_attempts ELSE coalesce(nullif(
              split_part(current_setting('application_name'), '/', 3), '')::integer, 0) END,
            p_compensation_attempts, p_step_error, p_owner)
    ON CONFLICT (saga_id, step_no) DO UPDATE
      SET state = EXCLUDED.state, attempts = greatest(st.attempts, EXCLUDED.attempts),
          compensation_attempts = EXCLUDED.compensation_attempts, error = EXCLUDED.error,
          node = EXCLUDED.node, updated_at = now();
  END IF;
END
$fn$;

-- saga_step_done (version 2): as version 1, and a step cannot commit once an operator asked to
-- cancel the saga (XA004): the step's transaction rolls back and the saga compensates.
CREATE OR REPLACE FUNCTION actortx.saga_step_done(
    p_id text, p_type text, p_state text, p_context jsonb, p_owner text, p_lease_ms bigint,
    p_error text, p_write_saga boolean, p_step integer, p_step_name text,
    p_compensation_attempts integer, p_step_error text, p_version integer,
    p_deadline_ms bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  current_owner text;
  cancel text;
  have_row boolean;
  prior text;
BEGIN
  SELECT owner, cancel_requested INTO current_owner, cancel
    FROM actortx.saga WHERE id = p_id FOR KEY SHARE;
  have_row := FOUND;
  IF have_row AND current_owner <> p_owner THEN
    RAISE EXCEPTION 'saga % is owned by node %, not by %', p_id, current_owner, p_owner
      USING ERRCODE = 'XA001';
  END IF;
  IF have_row AND cancel <> '' THEN
    RAISE EXCEPTION 'saga % was cancelled (%)', p_id, cancel USING ERRCODE = 'XA004';
  END IF;
  IF p_write_saga OR NOT have_row THEN
    PERFORM actortx.saga_upsert(p_id, p_type, p_state, p_context, p_owner, p_lease_ms, p_error,
                                p_version, p_deadline_ms);
  END IF;
  -- ON CONFLICT waits for a transaction that inserted the same row and is still running.
  INSERT INTO actortx.saga_step
    (saga_id, step_no, name, state, attempts, compensation_attempts, error, node)
  VALUES (p_id, p_step, p_step_name, 'DONE',
          coalesce(nullif(split_part(current_setting('application_name'), '/', 3), '')::integer,
                   0),
          p_compensation_attempts, p_step_error, p_owner)
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
