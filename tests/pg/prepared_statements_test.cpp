// Automatic prepared statements: one PREPARE per statement and connection, the LRU bound, and
// the statements the server stops accepting (0A000 after DDL, 26000 after DEALLOCATE ALL).
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// The statements the connection's cache has prepared ("ax_" names), by SQL text, with how
/// often each was executed (plans chosen). Read unnamed through raw(), so the question is not
/// cached itself.
std::map<std::string, long> prepared_here(tx& t) {
  std::map<std::string, long> out;
  auto r = t.raw().exec(
      "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements "
      "WHERE name LIKE 'ax\\_%'");
  for (const auto& row : r) out[row[0].c_str()] += row[1].as<long>();
  return out;
}

/// prepared_here() of the connection the next transaction gets.
std::map<std::string, long> prepared_now(runtime& rt) {
  std::map<std::string, long> out;
  auto seen = rt.transact([&](tx& t) { out = prepared_here(t); });
  REQUIRE(seen.committed());
  return out;
}

/// One connection does all the work: the statements of every transaction meet on it.
runtime_config one_connection(const test::test_schema& db) {
  auto cfg = test::test_config(db, 1);
  cfg.pool.min = 1;
  return cfg;
}

const std::string insert_sql = "INSERT INTO t(id, v) VALUES ($1, $2)";
const std::string count_sql = "SELECT count(*) FROM t WHERE id >= $1";

}  // namespace

TEST_CASE("a statement repeated by bodies is prepared once per connection", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  runtime rt{one_connection(db)};
  for (int i = 1; i <= 5; ++i) {
    auto out = rt.transact([&](tx& t) {
      t.exec(insert_sql, i, "body");
      CHECK(t.query_value<long>(count_sql, 0) == 2 * i - 1);  // and one row per earlier tx
      t.exec(statement{insert_sql, {sql_value::of(100 + i), sql_value::null()}});
    });
    REQUIRE(out.committed());
  }
  auto seen = prepared_now(rt);
  CHECK(seen.size() == 2);
  CHECK(seen[insert_sql] == 10);  // one statement on the server, executed 2 x 5 times
  CHECK(seen[count_sql] == 5);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 10);
}

TEST_CASE("a statement repeated by scripts run in a transaction is prepared once", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  auto cfg = one_connection(db);
  // A pre-commit hook needs the open transaction: scripts then run statement by statement
  // (run_script), not pipelined.
  cfg.hooks.pre_commit([](tx&) {});
  runtime rt{cfg};
  tx_script script;
  script.add(insert_sql, 1, "script");
  script.add(count_sql, 0);
  for (int i = 0; i < 3; ++i) {
    auto out = rt.transact(rt.default_options(), script);
    REQUIRE(out.committed());
    REQUIRE(out.results.size() == 2);
    CHECK(out.results[1].rows[0][0] == sql_value::of(std::to_string(i + 1)));
  }
  auto seen = prepared_now(rt);
  CHECK(seen.size() == 2);
  CHECK(seen[insert_sql] == 3);
  CHECK(seen[count_sql] == 3);
}

TEST_CASE("the idempotency key statements run prepared", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  runtime rt{one_connection(db)};
  for (int i = 0; i < 3; ++i) {
    auto opts = rt.default_options();
    opts.idempotency_key = db.name() + "/key-" + std::to_string(i);
    REQUIRE(rt.transact(opts, [&](tx& t) { t.exec(insert_sql, i, "keyed"); }).committed());
  }
  auto seen = prepared_now(rt);
  long key_inserts = 0;
  for (const auto& kv : seen)
    if (kv.first.find("INSERT INTO actortx.idempotency_keys") == 0) key_inserts += kv.second;
  CHECK(key_inserts == 3);
}

TEST_CASE("the cache keeps at most its size prepared and deallocates what it evicts", "[pg]") {
  test::test_schema db;
  auto cfg = one_connection(db);
  cfg.statements.cache_size = 3;
  runtime rt{cfg};
  auto sql = [](int k) { return "SELECT $1::int + " + std::to_string(k); };
  auto out = rt.transact([&](tx& t) {
    for (int k = 0; k < 5; ++k) CHECK(t.query_value<int>(sql(k), 1) == 1 + k);
  });
  REQUIRE(out.committed());
  // The two evicted ones are deallocated before the next BEGIN: the three most recent remain.
  auto seen = prepared_now(rt);
  CHECK(seen.size() == 3);
  for (int k = 2; k < 5; ++k) CHECK(seen.count(sql(k)) == 1);

  // Used again, an evicted statement is prepared again and pushes out the least recent one.
  REQUIRE(rt.transact([&](tx& t) { CHECK(t.query_value<int>(sql(0), 1) == 1); }).committed());
  seen = prepared_now(rt);
  CHECK(seen.size() == 3);
  CHECK(seen.count(sql(0)) == 1);
  CHECK(seen.count(sql(2)) == 0);
}

TEST_CASE("ALTER TABLE under a cached statement: 0A000, the attempt is retried and commits",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  db.exec("INSERT INTO t VALUES (1)");
  runtime rt{one_connection(db)};
  const std::string select_all = "SELECT * FROM t";
  REQUIRE(rt.transact([&](tx& t) { CHECK(t.exec(select_all).columns() == 1); }).committed());

  db.exec("ALTER TABLE t ADD COLUMN v text DEFAULT 'x'");
  pqxx::row::size_type columns = 0;
  auto out = rt.transact([&](tx& t) { columns = t.exec(select_all).columns(); });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(columns == 2);
  CHECK(out.attempts == 2);
  REQUIRE(out.attempt_log.size() == 2);
  CHECK(out.attempt_log[0].sqlstate == "0A000");
  CHECK(out.attempt_log[0].cls == error_class::retry);
  CHECK(out.attempt_log[0].message.find("retried") != std::string::npos);
  // The stale statement was dropped on the server too: one entry for the text, used once since.
  auto seen = prepared_now(rt);
  CHECK(seen.count(select_all) == 1);
  CHECK(seen[select_all] == 1);
}

TEST_CASE("a stale statement inside nested() is not swallowed: the attempt is retried", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{one_connection(db)};
  const std::string select_all = "SELECT * FROM t";
  REQUIRE(rt.transact([&](tx& t) { t.exec(select_all); }).committed());
  db.exec("ALTER TABLE t ADD COLUMN v int");
  std::vector<bool> nested_ok;
  auto out = rt.transact(
      [&](tx& t) { nested_ok.push_back(bool(t.nested([&](tx& n) { n.exec(select_all); }))); });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  CHECK(nested_ok == std::vector<bool>{true});  // attempt 1 never got an answer from nested()
  REQUIRE_FALSE(out.attempt_log.empty());
  CHECK(out.attempt_log[0].sqlstate == "0A000");
}

TEST_CASE("DEALLOCATE ALL in the body: 26000, the attempt is retried with the cache emptied",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  runtime rt{one_connection(db)};
  REQUIRE(rt.transact([&](tx& t) {
              t.exec(insert_sql, 1, "a");
              t.query_value<long>(count_sql, 0);
            }).committed());

  auto out = rt.transact([&](tx& t) {
    if (t.attempt() == 1) t.raw().exec("DEALLOCATE ALL");
    t.exec(insert_sql, 2, "b");
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  REQUIRE(out.attempt_log.size() == 2);
  CHECK(out.attempt_log[0].sqlstate == "26000");
  CHECK(out.attempt_log[0].cls == error_class::retry);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 2);

  // count_sql was dropped with the rest: prepared again on first use, exactly once.
  REQUIRE(rt.transact([&](tx& t) { CHECK(t.query_value<long>(count_sql, 0) == 2); }).committed());
  auto seen = prepared_now(rt);
  CHECK(seen.size() == 2);
  CHECK(seen[insert_sql] == 1);
  CHECK(seen[count_sql] == 1);
}

TEST_CASE("DEALLOCATE ALL by another transaction: a script and a keyed body retry once", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  auto cfg = one_connection(db);
  cfg.hooks.pre_commit([](tx&) {});  // scripts statement by statement (see above)
  runtime rt{cfg};
  tx_script script;
  script.add(insert_sql, 1, "script");
  REQUIRE(rt.transact(rt.default_options(), script).committed());

  REQUIRE(rt.transact([&](tx& t) { t.raw().exec("DEALLOCATE ALL"); }).committed());
  auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  REQUIRE_FALSE(out.attempt_log.empty());
  CHECK(out.attempt_log[0].sqlstate == "26000");
  CHECK(out.attempt_log[0].cls == error_class::retry);

  // The key's INSERT is the first statement of a keyed transaction: stale, it is retried too,
  // and the key is recorded once.
  auto opts = rt.default_options();
  opts.idempotency_key = db.name() + "/after-deallocate";
  REQUIRE(rt.transact(opts, [&](tx& t) { t.exec(insert_sql, 2, "keyed"); }).committed());
  REQUIRE(rt.transact([&](tx& t) { t.raw().exec("DEALLOCATE ALL"); }).committed());
  opts.idempotency_key = db.name() + "/after-deallocate-2";
  out = rt.transact(opts, [&](tx& t) { t.exec(insert_sql, 3, "keyed"); });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 4);
  CHECK(db.value<long>("SELECT count(*) FROM actortx.idempotency_keys WHERE key = '" + db.name() +
                       "/after-deallocate-2'") == 1);
}

TEST_CASE("a connection terminated by another session: the next one prepares again", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  runtime rt{one_connection(db)};
  int32_t first_pid = 0;
  REQUIRE(rt.transact([&](tx& t) {
              first_pid = t.backend_pid();
              t.exec(insert_sql, 1, "before");
            }).committed());
  REQUIRE(db.value<bool>("SELECT pg_terminate_backend(" + std::to_string(first_pid) + ")"));

  int32_t pid = 0;
  std::map<std::string, long> seen;
  auto out = rt.transact([&](tx& t) {
    pid = t.backend_pid();
    t.exec(insert_sql, 2, "after");
    seen = prepared_here(t);
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(pid != first_pid);
  CHECK(seen[insert_sql] == 1);  // prepared on the new backend, used once
  CHECK(db.value<long>("SELECT count(*) FROM t") == 2);
}

TEST_CASE("prepared-statements = false: nothing is prepared on the server", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, v text)");
  auto cfg = one_connection(db);
  cfg.statements.prepared = false;
  cfg.statements.cache_size = 0;  // irrelevant when off
  runtime rt{cfg};
  auto opts = rt.default_options();
  opts.idempotency_key = db.name() + "/unnamed";
  REQUIRE(rt.transact(opts, [&](tx& t) {
              t.exec(insert_sql, 1, "body");
              CHECK(t.query_value<long>(count_sql, 0) == 1);
            }).committed());
  tx_script script;
  script.add(insert_sql, 2, "script");
  REQUIRE(rt.transact(rt.default_options(), script).committed());
  long prepared = -1;
  REQUIRE(rt.transact([&](tx& t) {
              prepared =
                  t.raw().exec("SELECT count(*) FROM pg_prepared_statements")[0][0].as<long>();
            }).committed());
  CHECK(prepared == 0);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 2);
}

TEST_CASE("a statement that cannot be prepared fails as before and leaves nothing behind", "[pg]") {
  test::test_schema db;
  runtime rt{one_connection(db)};
  auto out = rt.transact([&](tx& t) { t.exec("SELECT * FROM no_such_table WHERE x = $1", 1); });
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "42P01");
  CHECK(out.attempts == 1);
  CHECK(prepared_now(rt).empty());
  db.exec("CREATE TABLE no_such_table(x int)");
  CHECK(rt.transact([&](tx& t) {
            t.exec("SELECT * FROM no_such_table WHERE x = $1", 1);
          }).committed());
}

TEST_CASE("an out-of-range prepared-statement-cache stops the runtime, naming the key", "[pg]") {
  test::test_schema db;
  auto cfg = one_connection(db);
  cfg.statements.cache_size = 0;
  CHECK_THROWS_WITH(runtime{cfg}, Catch::StartsWith("actortx.prepared-statement-cache: 0 is "
                                                    "invalid: must be between 1 and 10000"));
  cfg.statements.cache_size = 100000;
  CHECK_THROWS_WITH(runtime{cfg},
                    Catch::StartsWith("actortx.prepared-statement-cache: 100000 is invalid"));
}
