// Which statements make the pool reset a session (actortx.pool-reset-session).
#include "runtime/policy/session_statement.hpp"

#include <catch2/catch.hpp>

using actortx::may_change_session;

TEST_CASE("session-level statements are recognised whatever their case and blanks", "[unit]") {
  for (const char* sql : {"SET work_mem = '8MB'",
                          "set search_path to x",
                          "  \n\tSet SESSION work_mem = 1",
                          "SET ROLE app",
                          "RESET ALL",
                          "reset work_mem",
                          "PREPARE p AS SELECT 1",
                          "DEALLOCATE p",
                          "LISTEN ch",
                          "UNLISTEN *",
                          "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
                          "DISCARD ALL",
                          "LOAD 'auto_explain'",
                          "DO $$ BEGIN PERFORM 1; END $$",
                          "CREATE TEMP TABLE t(x int)",
                          "CREATE TEMPORARY TABLE t(x int)",
                          "create local temporary table t(x int)",
                          "CREATE GLOBAL TEMP TABLE t(x int)",
                          "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
                          "CREATE TABLE pg_temp.t(x int)",
                          "SELECT pg_advisory_lock(1)",
                          "SELECT pg_try_advisory_lock(1, 2)",
                          "SELECT PG_ADVISORY_LOCK_SHARED(3)",
                          "SELECT set_config('work_mem', '8MB', false)",
                          "-- a comment\nSET work_mem = 1",
                          "/* c */ SET work_mem = 1"})
    CHECK(may_change_session(sql));
}

TEST_CASE("statements scoped to their transaction are not session changes", "[unit]") {
  for (const char* sql :
       {"SELECT 1", "INSERT INTO t VALUES (1)", "UPDATE settings SET v = 1",
        "SET LOCAL work_mem = '8MB'", "set local statement_timeout = 5",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET CONSTRAINTS ALL DEFERRED",
        "SELECT pg_advisory_xact_lock(1)", "SELECT pg_try_advisory_xact_lock(1)",
        "CREATE TABLE t(x int)", "CREATE INDEX ON t(x)", "WITH x AS (SELECT 1) SELECT * FROM x",
        "DELETE FROM reset_log", "SELECT 'settle' AS word", ""})
    CHECK_FALSE(may_change_session(sql));
}

TEST_CASE("a keyword inside an identifier does not count as the statement's", "[unit]") {
  CHECK_FALSE(may_change_session("SELECT * FROM setup"));
  CHECK_FALSE(may_change_session("settle_accounts()"));
  CHECK_FALSE(may_change_session("INSERT INTO prepared_orders VALUES (1)"));
  CHECK_FALSE(may_change_session("SELECT dos FROM t"));
}
