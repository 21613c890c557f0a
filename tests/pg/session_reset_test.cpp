// actortx.pool-reset-session: what a body changed in its session (not just its transaction) is
// gone before the connection is leased again; bodies that change nothing pay nothing. Each test
// runs on a pool of one, so the next transaction is on the same backend (checked).
#include <string>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Runs `body` and returns its backend's pid; the transaction must commit.
int32_t committed_on(runtime& rt, const std::function<void(tx&)>& body) {
  int32_t pid = 0;
  auto out = rt.transact([&](tx& t) {
    pid = t.backend_pid();
    body(t);
  });
  INFO(out.message);
  REQUIRE(out.committed());
  return pid;
}

template <class T>
T value_on(runtime& rt, const std::string& sql, int32_t expected_pid) {
  T v{};
  int32_t pid = 0;
  auto out = rt.transact([&](tx& t) {
    pid = t.backend_pid();
    v = t.query_value<T>(sql);
  });
  INFO(out.message);
  REQUIRE(out.committed());
  REQUIRE(pid == expected_pid);  // the same connection, so the same session
  return v;
}

}  // namespace

TEST_CASE("a SET in a body is gone in the next transaction on that connection", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  const auto first = committed_on(rt, [](tx&) {});
  const auto before = value_on<std::string>(rt, "SHOW work_mem", first);
  const auto resets = rt.pool_snapshot().resets;
  const auto pid = committed_on(rt, [](tx& t) { t.exec("SET work_mem = '7MB'"); });
  CHECK(value_on<std::string>(rt, "SHOW work_mem", pid) == before);
  CHECK(rt.pool_snapshot().resets == resets + 1);
}

TEST_CASE("settings go back to the values the connection started with", "[pg]") {
  test::test_schema db;  // its DSN starts sessions with search_path = the test schema
  runtime rt{test::test_config(db, 1)};
  const auto pid = committed_on(rt, [](tx& t) { t.exec("SET search_path TO public"); });
  CHECK(value_on<std::string>(rt, "SHOW search_path", pid).find(db.name()) != std::string::npos);
}

TEST_CASE("temp tables cursors and LISTENs of a body are dropped before the next lease", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  const auto pid = committed_on(rt, [](tx& t) {
    t.exec("CREATE TEMP TABLE scratch(x int)");
    t.exec("DECLARE held CURSOR WITH HOLD FOR SELECT 1");
    t.exec("LISTEN reset_test_channel");
  });
  CHECK(value_on<bool>(rt, "SELECT to_regclass('pg_temp.scratch') IS NULL", pid));
  CHECK(value_on<long>(rt, "SELECT count(*) FROM pg_cursors WHERE name = 'held'", pid) == 0);
  CHECK(value_on<long>(rt, "SELECT count(*) FROM pg_listening_channels()", pid) == 0);
}

TEST_CASE("a session advisory lock of a body is released for other sessions", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  committed_on(rt, [](tx& t) { t.exec("SELECT pg_advisory_lock(424242)"); });
  committed_on(rt, [](tx&) {});  // the reset ran before this lease
  CHECK(db.value<bool>("SELECT pg_try_advisory_lock(424242)"));
}

TEST_CASE("a body's own prepared statements go and the runtime's stay", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  const auto pid = committed_on(rt, [](tx& t) {
    t.exec("SELECT 1 + $1::int", 1);  // the runtime prepares it ("ax_...")
    t.exec("PREPARE mine AS SELECT 42");
  });
  CHECK(value_on<long>(rt, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'mine'",
                       pid) == 0);
  CHECK(value_on<long>(rt, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'ax\\_%'",
                       pid) >= 1);
  // And the runtime's statement still runs prepared, without a retry.
  auto out = rt.transact([](tx& t) { t.exec("SELECT 1 + $1::int", 2); });
  CHECK(out.committed());
  CHECK(out.attempts == 1);
}

TEST_CASE("a statement libpqxx prepared through raw() is forgotten on both sides", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  const auto pid = committed_on(rt, [](tx& t) {
    t.raw().conn().prepare("through_raw", "SELECT 7");
    CHECK(t.raw().exec_prepared1("through_raw")[0].as<int>() == 7);
  });
  CHECK(value_on<long>(rt, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'through_raw'",
                       pid) == 0);
  // libpqxx forgot it too: preparing the name again works.
  committed_on(rt, [](tx& t) {
    t.raw().conn().prepare("through_raw", "SELECT 8");
    CHECK(t.raw().exec_prepared1("through_raw")[0].as<int>() == 8);
  });
}

TEST_CASE("a change the SQL does not show is reset when the body marks it", "[pg]") {
  test::test_schema db;
  db.exec(
      "CREATE FUNCTION widen() RETURNS void LANGUAGE sql AS "
      "$$ SELECT set_config('work_mem', '5MB', false) $$");
  runtime rt{test::test_config(db, 1)};
  const auto first = committed_on(rt, [](tx&) {});
  const auto before = value_on<std::string>(rt, "SHOW work_mem", first);
  // Unmarked: the runtime cannot see it, so it carries over (the documented limit).
  auto pid = committed_on(rt, [](tx& t) { t.exec("SELECT widen()"); });
  CHECK(value_on<std::string>(rt, "SHOW work_mem", pid) == "5MB");
  committed_on(rt, [](tx& t) { t.exec("RESET work_mem"); });
  pid = committed_on(rt, [](tx& t) {
    t.exec("SELECT widen()");
    t.mark_session_changed();
  });
  CHECK(value_on<std::string>(rt, "SHOW work_mem", pid) == before);
}

TEST_CASE("a body that rolls back after a session change is reset too", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  int32_t pid = 0;
  auto out = rt.transact([&](tx& t) {
    pid = t.backend_pid();
    t.exec("PREPARE survives_rollback AS SELECT 1");  // PREPARE is not transactional
    throw rollback{"on purpose"};
  });
  REQUIRE(out.state == tx_state::rolled_back);
  CHECK(value_on<long>(rt,
                       "SELECT count(*) FROM pg_prepared_statements "
                       "WHERE name = 'survives_rollback'",
                       pid) == 0);
}

TEST_CASE("a script that SETs is reset like a body", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  const auto pid = committed_on(rt, [](tx&) {});
  const auto before = value_on<std::string>(rt, "SHOW work_mem", pid);
  tx_script s;
  s.add("SET work_mem = '9MB'");
  s.add("SELECT 1");
  auto out = rt.transact(rt.default_options(), s);
  REQUIRE(out.committed());
  CHECK(value_on<std::string>(rt, "SHOW work_mem", pid) == before);
}

TEST_CASE("transactions that change no session state pay no reset", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(x int)");
  runtime rt{test::test_config(db, 1)};
  const auto resets = rt.pool_snapshot().resets;
  for (int i = 0; i < 10; ++i)
    committed_on(rt, [i](tx& t) {
      t.exec("SET LOCAL work_mem = '8MB'");  // transaction-scoped: nothing to reset
      t.exec("INSERT INTO t VALUES ($1)", i);
      t.exec("SELECT pg_advisory_xact_lock(7)");
    });
  CHECK(rt.pool_snapshot().resets == resets);
}

TEST_CASE("with pool-reset-session off a SET carries over to the next transaction", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.pool.reset_session = false;
  runtime rt{cfg};
  const auto pid = committed_on(rt, [](tx& t) { t.exec("SET work_mem = '7MB'"); });
  CHECK(value_on<std::string>(rt, "SHOW work_mem", pid) == "7MB");
  CHECK(rt.pool_snapshot().resets == 0);
}

TEST_CASE("a reset on a backend terminated meanwhile replaces the connection", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  // Another client terminates the backend after COMMIT and before the reset runs.
  tx_hooks hooks;
  hooks.post_commit([&db](const hook_event& e) {
    db.exec("SELECT pg_terminate_backend(" + std::to_string(e.backend_pid) + ")");
  });
  int32_t pid = 0;
  auto out = rt.transact(
      rt.default_options(),
      [&](tx& t) {
        pid = t.backend_pid();
        t.exec("SET work_mem = '7MB'");
      },
      hooks);
  CHECK(out.committed());  // the outcome stands: the reset is after the answer's truth
  int32_t next = 0;
  auto again = rt.transact([&](tx& t) {
    next = t.backend_pid();
    CHECK(t.query_value<std::string>("SHOW work_mem") != "7MB");
  });
  INFO(again.message);
  CHECK(again.committed());
  CHECK(again.attempts == 1);  // the reset found the loss: no transaction met the dead backend
  CHECK(next != pid);
  const auto stats = rt.pool_snapshot();
  CHECK(stats.resets == 0);  // counted only when it ran
  CHECK(stats.replaced == 1);
}
