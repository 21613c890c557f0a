// Versioned migrations of actortx's own tables against a real PostgreSQL: a fresh database, a
// second start, a database from before versioning, nodes starting at once, a newer database, a
// failing migration. Each test on a database of its own (the tables live in schema "actortx").
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "runtime/schema/migrate.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

const std::string lock_key = std::to_string(schema_lock_key);

std::string fixture(const std::string& name) {
  const auto path = std::filesystem::path{__FILE__}.parent_path() / "fixtures" / name;
  std::ifstream in{path};
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// From now on, every DDL command run in `db` leaves its tag in ddl_seen (event triggers are
/// per database, so only this test's runtimes are seen).
void record_ddl(test::test_database& db) {
  db.exec(
      "CREATE TABLE public.ddl_seen (seq bigserial PRIMARY KEY, tag text NOT NULL);"
      "CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS "
      "$$ BEGIN INSERT INTO public.ddl_seen (tag) VALUES (tg_tag); END $$;"
      "CREATE EVENT TRIGGER note_ddl ON ddl_command_start EXECUTE FUNCTION public.note_ddl()");
}

long ddl_seen(test::test_database& db, const std::string& where = "true") {
  return db.value<long>("SELECT count(*) FROM public.ddl_seen WHERE " + where);
}

/// The version rows, "1:initial,2:..." in order.
std::string versions(test::test_database& db) {
  return db.value<std::string>(
      "SELECT coalesce(string_agg(version || ':' || name, ',' ORDER BY version), '') "
      "FROM actortx.schema_version");
}

std::string expected_versions() {
  std::string s;
  for (const auto& m : schema_migrations())
    s += (s.empty() ? "" : ",") + std::to_string(m.version) + ":" + std::string{m.name};
  return s;
}

/// Backends of `db` waiting for the migration lock.
long lock_waiters(test::test_database& db) {
  return db.value<long>(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 "
      "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND ((classid::bigint << 32) | objid::bigint) = " +
      lock_key);
}

saga_body insert_item(const char* key) {
  return [key](tx& t, saga_context& ctx) {
    t.exec("INSERT INTO items (name) VALUES ($1)", ctx.get(key));
  };
}

saga_body remove_item(const char* key) {
  return [key](tx& t, saga_context& ctx) {
    t.exec("DELETE FROM items WHERE name = $1", ctx.get(key));
    t.exec("INSERT INTO undo_log (name) VALUES ($1)", ctx.get(key));
  };
}

/// "two_items": inserts ctx first, then ctx second; each compensation removes its item.
saga_registry two_items() {
  saga_registry reg;
  reg.define("two_items")
      .step("insert_first", insert_item("first"), remove_item("first"))
      .step("insert_second", insert_item("second"), remove_item("second"));
  return reg;
}

void create_items(test::test_database& db) {
  db.exec(
      "CREATE TABLE items (name text PRIMARY KEY);"
      "CREATE TABLE undo_log (seq bigserial PRIMARY KEY, name text NOT NULL)");
}

/// What an actortx from before versioning left: a key, a finished saga, and a saga that had
/// run its first step when its node went down (its lease long expired).
void leave_old_rows(test::test_database& db) {
  db.exec(
      "INSERT INTO items VALUES ('a');"
      "INSERT INTO actortx.idempotency_keys (key, tx_id, label, committed_at) VALUES "
      "('old-key', 42, 'before versioning', '2024-01-02 03:04:05+00');"
      "INSERT INTO actortx.saga (id, type, state, context, owner, lease_until, created_at, "
      "updated_at) VALUES "
      "('done-saga', 'two_items', 'COMMITTED', '{\"first\": \"x\", \"second\": \"y\"}', "
      "'node-before-upgrade', '2024-01-02 03:05:00+00', '2024-01-02 03:04:00+00', "
      "'2024-01-02 03:04:30+00'),"
      "('old-saga', 'two_items', 'EXECUTING', '{\"first\": \"a\", \"second\": \"b\"}', "
      "'node-before-upgrade', now() - interval '1 hour', '2024-01-02 03:06:00+00', "
      "'2024-01-02 03:06:01+00');"
      "INSERT INTO actortx.saga_step (saga_id, step_no, name, state, attempts) VALUES "
      "('done-saga', 0, 'insert_first', 'DONE', 1), ('done-saga', 1, 'insert_second', 'DONE', 2),"
      "('old-saga', 0, 'insert_first', 'DONE', 1)");
}

/// Every column the old layout had, of the rows the upgrade must leave as they were (later
/// migrations add columns with defaults, checked on their own). Of the unfinished saga only
/// its creation time: saga recovery may claim it (and write its row) as soon as the runtime
/// is up; its context is checked once it is compensated.
std::string old_rows(test::test_database& db) {
  return db.value<std::string>(
      "SELECT (SELECT json_agg(k) FROM actortx.idempotency_keys k WHERE key = 'old-key')::text || "
      "(SELECT json_agg(s) FROM (SELECT id, type, state, context, owner, lease_until, error, "
      " created_at, updated_at FROM actortx.saga WHERE id = 'done-saga') s)::text || "
      "(SELECT json_agg(st ORDER BY step_no) FROM (SELECT saga_id, step_no, name, state, "
      " attempts, compensation_attempts, error, updated_at FROM actortx.saga_step "
      " WHERE saga_id = 'done-saga') st)::text || "
      "(SELECT created_at::text FROM actortx.saga WHERE id = 'old-saga')");
}

std::string wait_final(test::test_database& db, const std::string& id) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  std::string state;
  while (std::chrono::steady_clock::now() < until) {
    state = db.value<std::string>("SELECT state FROM actortx.saga WHERE id = '" + id + "'");
    if (state == "COMMITTED" || state == "COMPENSATED" || state == "FAILED") break;
    std::this_thread::sleep_for(20ms);
  }
  return state;
}

/// what() of the startup_error `start` throws.
template <class F>
std::string start_error(F start) {
  try {
    start();
  } catch (const startup_error& e) {
    return e.what();
  }
  return "started";
}

}  // namespace

TEST_CASE(
    "a fresh database ends at the current schema version, and a second start applies nothing, "
    "runs no DDL and takes no lock",
    "[pg]") {
  test::test_database db;
  record_ddl(db);
  { runtime rt{test::test_config(db)}; }
  REQUIRE(versions(db) == expected_versions());
  CHECK(db.value<long>("SELECT count(*) FROM actortx.schema_version WHERE applied_by = '' AND "
                       "applied_from LIKE current_user || '@%'") == latest_schema_version());
  const auto first_ddl = ddl_seen(db);
  CHECK(first_ddl > 0);  // the recorder sees the migrations' DDL
  const auto applied_at =
      db.value<std::string>("SELECT string_agg(applied_at::text, ',') FROM actortx.schema_version");

  // A second start while another session holds the migration lock: it does not wait for it.
  pqxx::connection holder{db.dsn()};
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_lock(" + lock_key + ")");
  auto second = std::async(std::launch::async, [&] { runtime rt{test::test_config(db)}; });
  const bool started = second.wait_for(60s) == std::future_status::ready;
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_unlock(" + lock_key + ")");
  REQUIRE(started);
  second.get();

  CHECK(ddl_seen(db) == first_ddl);
  CHECK(versions(db) == expected_versions());
  CHECK(db.value<std::string>("SELECT string_agg(applied_at::text, ',') FROM "
                              "actortx.schema_version") == applied_at);
  pqxx::connection c{db.dsn()};
  auto report = migrate_schema(c, "again");
  CHECK(report.found == latest_schema_version());
  CHECK(report.current == latest_schema_version());
  CHECK(report.applied.empty());
  CHECK(ddl_seen(db) == first_ddl);
}

TEST_CASE(
    "a database created by the layout before versioning is adopted at the current version with "
    "its rows intact, and its unfinished saga is recovered as before",
    "[pg]") {
  test::test_database db;
  db.exec(fixture("layout_49aeca7.sql"));
  create_items(db);
  leave_old_rows(db);
  const auto before = old_rows(db);

  runtime rt{test::test_config(db), two_items()};
  CHECK(versions(db) == expected_versions());
  CHECK(old_rows(db) == before);

  // The saga from before the upgrade, claimed at start: step 1 had run, step 2 had not.
  // Recovery fences step 2 and compensates step 1 with the context the old log holds.
  REQUIRE(wait_final(db, "old-saga") == "COMPENSATED");
  CHECK(
      db.value<bool>("SELECT context::jsonb @> '{\"first\": \"a\", \"second\": \"b\"}' "
                     "FROM actortx.saga WHERE id = 'old-saga'"));
  CHECK(db.value<long>("SELECT count(*) FROM items WHERE name = 'a'") == 0);
  CHECK(db.value<std::string>("SELECT string_agg(name, ',' ORDER BY seq) FROM undo_log") == "a");
  CHECK(db.value<std::string>("SELECT string_agg(state, ',' ORDER BY step_no) FROM "
                              "actortx.saga_step WHERE saga_id = 'old-saga'") ==
        "COMPENSATED,FAILED");

  // New sagas run on the upgraded log, through the functions migration 1 replaced.
  auto out = rt.run_saga("two_items", {{"first", "c"}, {"second", "d"}});
  CHECK(out.state == saga_state::committed);
  CHECK(db.value<std::string>("SELECT string_agg(name, ',' ORDER BY name) FROM items") == "c,d");
  // Migration 2 added an overload; the first stays for nodes of the previous release.
  CHECK(db.value<long>("SELECT count(*) FROM pg_proc WHERE proname = 'saga_upsert' AND "
                       "pronamespace = 'actortx'::regnamespace") == 2);
  CHECK(old_rows(db) == before);
  // The old rows got the added columns' defaults: version 1, no deadline, no pending cancel.
  CHECK(db.value<std::string>("SELECT version || '/' || (deadline IS NULL) || '/' || "
                              "cancel_requested || '/' || failed_in FROM actortx.saga WHERE id = "
                              "'done-saga'") == "1/true//");
}

TEST_CASE(
    "two runtimes starting at once on a fresh database both start, and each migration is "
    "applied once",
    "[pg]") {
  test::test_database db;
  create_items(db);
  record_ddl(db);
  // Both runtimes are held at the lock until both wait there: their starts overlap for sure.
  pqxx::connection holder{db.dsn()};
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_lock(" + lock_key + ")");
  std::unique_ptr<runtime> a, b;
  std::string error_a, error_b;
  auto start = [&](std::unique_ptr<runtime>& rt, std::string& error) {
    try {
      rt = std::make_unique<runtime>(test::test_config(db), two_items());
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread ta{[&] { start(a, error_a); }};
  std::thread tb{[&] { start(b, error_b); }};
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (lock_waiters(db) < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  const auto waiters = lock_waiters(db);
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_unlock(" + lock_key + ")");
  ta.join();
  tb.join();

  CHECK(waiters == 2);
  CHECK(error_a == "");
  CHECK(error_b == "");
  REQUIRE((a && b));
  CHECK(versions(db) == expected_versions());
  // Migration 1 starts with CREATE SCHEMA: seen once, so it ran once.
  CHECK(ddl_seen(db, "tag = 'CREATE SCHEMA'") == 1);
  CHECK(a->run_saga("two_items", {{"first", "a1"}, {"second", "a2"}}).state ==
        saga_state::committed);
  CHECK(b->run_saga("two_items", {{"first", "b1"}, {"second", "b2"}}).state ==
        saga_state::committed);
}

TEST_CASE(
    "a database at a newer schema version than this binary knows is refused at start, naming "
    "both versions, with or without sagas",
    "[pg]") {
  test::test_database db;
  { runtime rt{test::test_config(db)}; }
  const int known = latest_schema_version();
  const int newer = known + 1;
  db.exec("INSERT INTO actortx.schema_version (version, name, applied_by) VALUES (" +
          std::to_string(newer) + ", 'from_a_newer_actortx', 'node-of-tomorrow')");
  record_ddl(db);
  auto without_sagas = [&] { runtime rt{test::test_config(db)}; };
  auto with_sagas = [&] { runtime rt{test::test_config(db), two_items()}; };
  for (const auto& why : {start_error(without_sagas), start_error(with_sagas)}) {
    CHECK_THAT(why, Catch::Contains("version " + std::to_string(newer)) &&
                        Catch::Contains("version " + std::to_string(known)) &&
                        Catch::Contains("from_a_newer_actortx") &&
                        Catch::Contains("node-of-tomorrow") && Catch::Contains(db.name()));
  }

  pqxx::connection c{db.dsn()};
  try {
    migrate_schema(c, "node-old");
    FAIL("migrate_schema accepted a newer database");
  } catch (const schema_too_new& e) {
    CHECK(e.found() == newer);
    CHECK(e.known() == known);
  }
  CHECK(ddl_seen(db) == 0);
  CHECK(db.value<int>("SELECT max(version) FROM actortx.schema_version") == newer);
}

TEST_CASE("a migration that fails rolls back whole, version row included, and applies once fixed",
          "[pg]") {
  test::test_database db;
  pqxx::connection c{db.dsn()};
  auto list = schema_migrations();
  const int next = latest_schema_version() + 1;
  list.push_back({next, "broken", "CREATE TABLE actortx.half_done (x int); SELECT 1 / 0"});
  CHECK_THROWS_WITH(migrate_schema(c, "t", list), Catch::Contains("division by zero"));
  // The earlier migrations committed, each in its own transaction; the broken one left nothing.
  CHECK(read_schema_version(c) == latest_schema_version());
  CHECK(db.value<bool>("SELECT to_regclass('actortx.half_done') IS NULL"));

  list.back().sql = "CREATE TABLE actortx.half_done (x int)";
  auto report = migrate_schema(c, "t", list);
  CHECK(report.found == latest_schema_version());
  CHECK(report.applied == std::vector<int>{next});
  CHECK(read_schema_version(c) == next);
  CHECK(db.value<std::string>("SELECT applied_by FROM actortx.schema_version WHERE version = " +
                              std::to_string(next)) == "t");
  CHECK(db.value<bool>("SELECT to_regclass('actortx.half_done') IS NOT NULL"));
}
