-- Version 4: the trace a saga serves (saga_options::correlation_id, a W3C traceparent).
--  * saga.trace_id: the 32 hex digits of its trace id, so that a saga recovered by any node
--    goes on in the same trace, and an operator can go from a trace (a log line, a span,
--    pg_stat_activity) to its saga and back. NULL for sagas from before this version.
--  * It is the column's default, read from the inserting transaction's application_name
--    ('actortx/<tx id>/<attempt>/<trace id>'): every transaction of a saga runs in its trace,
--    so the one that inserts the row carries it. The functions of versions 1 and 2 stay as
--    they were: a node of the previous release keeps working during a rolling upgrade (its
--    rows get NULL, its application_name has no trace id).
--  * No index: nothing in actortx looks sagas up by trace; an operator's occasional look-up
--    does not justify one more index write per saga.
--  * Added without a default first, then given it: a volatile default on ADD COLUMN would
--    rewrite the table and evaluate it for every existing row.

CREATE OR REPLACE FUNCTION actortx.application_trace_id() RETURNS text
LANGUAGE sql STABLE AS $fn$
  SELECT CASE WHEN current_setting('application_name') ~ '^actortx/[0-9]+/[0-9]+/[0-9a-f]{32}$'
              THEN split_part(current_setting('application_name'), '/', 4) END
$fn$;

ALTER TABLE actortx.saga ADD COLUMN IF NOT EXISTS trace_id text;
ALTER TABLE actortx.saga ALTER COLUMN trace_id SET DEFAULT actortx.application_trace_id();
