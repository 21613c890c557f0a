// Scripts in one round trip (libpq pipeline mode): the same results and outcomes as the
// statement-by-statement path, against the real PostgreSQL.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>

#include "actors/pg/pg_connection.hpp"
#include "actors/pg/pipeline_runner.hpp"
#include "latency_relay.hpp"
#include "runtime/policy/clock.hpp"
#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using test::ms_since;

namespace {

uint16_t cluster_port(const test::test_schema& db) {
  return static_cast<uint16_t>(std::stoi(parse_dsn(db.base_dsn()).at("port")));
}

/// A script that exercises every kind of result: rows with NULLs, no rows, counts, RETURNING.
tx_script varied_script() {
  tx_script s;
  s.add("INSERT INTO item(id, name, price) VALUES ($1, $2, $3), ($4, $5, $6)", 1, "apple", 1.5, 2,
        sql_value::null(), 2);
  s.add("UPDATE item SET price = price * 2 WHERE id = $1 RETURNING id, price", 1);
  s.add("SELECT id, name, price FROM item ORDER BY id");
  s.add("SELECT id FROM item WHERE id < 0");
  s.add("DELETE FROM item WHERE id = $1", 2);
  s.add("SELECT $1::text AS a, $2::int AS b", sql_value::null(), 7);
  return s;
}

long count(test::test_schema& db, const std::string& table) {
  return db.value<long>("SELECT count(*) FROM " + table);
}

}  // namespace

TEST_CASE("a pipelined script returns per statement what the one-by-one path returns", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(id int primary key, name text, price numeric)");
  runtime_config one_by_one_cfg = test::test_config(db);
  one_by_one_cfg.hooks.pre_commit([](tx&) {});  // pre-commit hooks: the one-by-one path
  tx_outcome one_by_one;
  {
    runtime rt{one_by_one_cfg};
    one_by_one = rt.transact(rt.default_options(), varied_script());
  }
  db.exec("TRUNCATE item");
  runtime rt{test::test_config(db)};
  auto piped = rt.transact(rt.default_options(), varied_script());
  REQUIRE(one_by_one.committed());
  REQUIRE(piped.committed());
  REQUIRE(piped.results.size() == one_by_one.results.size());
  for (size_t i = 0; i < piped.results.size(); ++i) {
    INFO("statement " << i);
    CHECK(piped.results[i].columns == one_by_one.results[i].columns);
    CHECK(piped.results[i].rows == one_by_one.results[i].rows);
    CHECK(piped.results[i].affected_rows == one_by_one.results[i].affected_rows);
  }
  CHECK(piped.results[2].rows.at(1).at(1).is_null);
  CHECK(piped.results[1].rows.at(0).at(1) == sql_value::of("3.0"));
  CHECK(piped.results[3].rows.empty());
  CHECK(piped.results[4].affected_rows == 1);
  CHECK(count(db, "item") == 1);
}

TEST_CASE("a script of eight statements takes one round trip", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int primary key)");
  // Every reply is held 100 ms: statement by statement, this script would take >= 1.1 s.
  test::latency_relay relay{cluster_port(db), 100ms};
  auto cfg = test::test_config(db, 1);
  cfg.dsn = dsn_with(dsn_with(db.dsn(), "host", "127.0.0.1"), "port", std::to_string(relay.port()));
  runtime rt{cfg};
  tx_options opts = rt.default_options();
  opts.timeout = 10s;
  auto script = [](int base) {
    tx_script s;
    for (int i = 0; i < 8; ++i) s.add("INSERT INTO t VALUES ($1)", base + i);
    return s;
  };
  REQUIRE(rt.transact(opts, script(0)).committed());  // warm: the connection is open
  for (int round = 1; round <= 2; ++round) {          // prepares in the pipeline, then prepared
    const auto t0 = test::clock_type::now();
    auto out = rt.transact(opts, script(100 * round));
    const long took = ms_since(t0);
    INFO("round " << round << " took " << took << " ms");
    CHECK(out.committed());
    CHECK(out.results.size() == 8);
    CHECK(took >= 100);
    CHECK(took < 2 * 100 + 80);  // one round trip, some scheduling slack; never two
  }
  CHECK(count(db, "t") == 24);
}

TEST_CASE("an error mid-pipeline commits nothing, names the SQLSTATE, keeps the connection",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int primary key)");
  runtime rt{test::test_config(db, 1)};
  tx_script s;
  s.add("INSERT INTO t VALUES ($1)", 1);
  s.add("INSERT INTO t VALUES ($1)", 1);  // 23505
  s.add("INSERT INTO t VALUES ($1)", 2);  // never runs
  auto out = rt.transact(rt.default_options(), s);
  INFO(describe(out));
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "23505");
  CHECK(out.attempts == 1);
  CHECK(out.message.find("duplicate key") != std::string::npos);
  CHECK(count(db, "t") == 0);
  // The same connection (pool of one) runs a body next: libpqxx finds it idle.
  auto body = rt.transact([](tx& t) {
    t.exec("INSERT INTO t VALUES ($1)", 5);
    CHECK(t.query_value<long>("SELECT count(*) FROM t") == 1);
  });
  CHECK(body.committed());
  CHECK(body.attempt_log.at(0).backend_pid == out.attempt_log.at(0).backend_pid);
  // And a script after the body.
  auto again = rt.transact(rt.default_options(), tx_script{}.add("INSERT INTO t VALUES (6)"));
  CHECK(again.committed());
  CHECK(again.attempt_log.at(0).backend_pid == out.attempt_log.at(0).backend_pid);
  CHECK(count(db, "t") == 2);
}

TEST_CASE("a pipelined script honours isolation, READ ONLY, DEFERRABLE and the deadline", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.level = isolation::serializable;
  opts.read_only = true;
  opts.deferrable = true;
  opts.timeout = 5s;
  tx_script show;
  show.add(
      "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only'),"
      " current_setting('transaction_deferrable'), current_setting('statement_timeout'),"
      " current_setting('application_name')");
  auto out = rt.transact(opts, show);
  REQUIRE(out.committed());
  const auto& row = out.results.at(0).rows.at(0);
  CHECK(row.at(0).text == "serializable");
  CHECK(row.at(1).text == "on");
  CHECK(row.at(2).text == "on");
  // 5 s minus what passed before sending and the 20 ms margin: in seconds or milliseconds.
  CHECK((row.at(3).text == "5s" || row.at(3).text.find("ms") != std::string::npos));
  // (then "/<trace id>" of tx_options::correlation_id: tests/pg/correlation_test.cpp)
  CHECK_THAT(row.at(4).text, Catch::StartsWith("actortx/" + std::to_string(out.id) + "/1"));

  auto write = rt.transact(opts, tx_script{}.add("INSERT INTO t VALUES (1)"));
  CHECK(write.state == tx_state::failed);
  CHECK(write.sqlstate == "25006");
  CHECK(count(db, "t") == 0);
}

TEST_CASE("a serialization failure in a pipeline is retried and commits once", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  db.exec("CREATE SEQUENCE calls");
  // Fails with 40001 on its first call only (a sequence is not rolled back).
  db.exec(
      "CREATE FUNCTION flaky() RETURNS int LANGUAGE plpgsql AS $$ BEGIN "
      "IF nextval('calls') = 1 THEN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END IF; "
      "RETURN 1; END $$");
  runtime rt{test::test_config(db)};
  tx_script s;
  s.add("INSERT INTO t VALUES ($1)", 1);
  s.add("SELECT flaky()");
  s.add("INSERT INTO t VALUES ($1)", 2);
  auto out = rt.transact(rt.default_options(), s);
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(out.attempts == 2);
  CHECK(out.attempt_log.at(0).sqlstate == "40001");
  CHECK(out.attempt_log.at(0).cls == error_class::retry);
  CHECK(db.value<std::string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM t") == "1,2");
}

TEST_CASE("an idempotency key in a pipeline: once committed, a repeat is deduplicated", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db, 1)};
  tx_options opts = rt.default_options();
  opts.idempotency_key = db.name() + "/pay-1";
  tx_script s;
  s.add("INSERT INTO t VALUES ($1)", 1);
  auto first = rt.transact(opts, s);
  REQUIRE(first.committed());
  CHECK_FALSE(first.deduplicated);
  auto again = rt.transact(opts, s);
  INFO(describe(again));
  CHECK(again.committed());
  CHECK(again.deduplicated);
  CHECK(again.message.find("committed by tx " + std::to_string(first.id)) != std::string::npos);
  CHECK(count(db, "t") == 1);
  // A fenced key (a saga gave up on the step) never runs.
  db.exec("INSERT INTO actortx.idempotency_keys(key, tx_id) VALUES ('" + db.name() +
          "/fenced', 0)");
  opts.idempotency_key = db.name() + "/fenced";
  auto fenced = rt.transact(opts, s);
  CHECK(fenced.state == tx_state::failed);
  CHECK(fenced.code == errc::fenced);
  CHECK(count(db, "t") == 1);
  // The connection is fine after the aborted pipelines.
  CHECK(rt.transact([](tx& t) { t.exec("INSERT INTO t VALUES (9)"); }).committed());
}

TEST_CASE("pipelined statements are prepared once and re-prepared after DDL", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db, 1)};
  tx_script read;
  read.add("SELECT * FROM t");
  REQUIRE(rt.transact(rt.default_options(), read).committed());
  tx_script list;
  list.add("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'axp\\_%'");
  auto prepared = rt.transact(rt.default_options(), list);
  REQUIRE(prepared.committed());
  // BEGIN, the settings, the statement, COMMIT, and the listing itself.
  CHECK(std::stol(prepared.results.at(0).rows.at(0).at(0).text) >= 5);
  // The result type of the prepared SELECT * changes: 0A000, retried, prepared again.
  db.exec("ALTER TABLE t ADD COLUMN extra text");
  auto out = rt.transact(rt.default_options(), read);
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(out.attempts == 2);
  CHECK(out.attempt_log.at(0).sqlstate == "0A000");
  CHECK(out.attempt_log.at(0).cls == error_class::retry);
  CHECK(out.results.at(0).columns == std::vector<std::string>{"id", "extra"});
}

TEST_CASE("after DEALLOCATE ALL on the connection, a pipelined script re-prepares everything",
          "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  tx_script s;
  s.add("SELECT 1 AS one");
  REQUIRE(rt.transact(rt.default_options(), s).committed());
  // The same connection (pool of one) loses every prepared statement.
  REQUIRE(rt.transact([](tx& t) { t.raw().exec("DEALLOCATE ALL"); }).committed());
  auto out = rt.transact(rt.default_options(), s);
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(out.attempts == 2);  // one 26000 (on BEGIN), then all are prepared again
  CHECK(out.attempt_log.at(0).sqlstate == "26000");
  CHECK(out.attempt_log.at(0).cls == error_class::retry);
}

TEST_CASE("a statement prepared in a pipeline that failed later stays prepared", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int primary key)");
  runtime rt{test::test_config(db, 1)};
  tx_script failing;
  failing.add("INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING", 1);  // prepared here
  failing.add("SELECT 1 / 0");                                         // then 22012
  auto out = rt.transact(rt.default_options(), failing);
  CHECK(out.sqlstate == "22012");
  // Prepared statements outlive the rolled-back transaction: the cache's record holds, and the
  // statement runs at once (no 26000, no second attempt).
  auto next = rt.transact(rt.default_options(), tx_script{}.add(failing.statements[0].sql, 2));
  INFO(describe(next));
  CHECK(next.committed());
  CHECK(next.attempts == 1);
}

TEST_CASE("evicted pipeline statements are deallocated; a tiny cache still runs scripts", "[pg]") {
  test::test_schema db;
  pg_connection conn{db.dsn()};
  auto prepared_count = [&] {
    pqxx::nontransaction w{conn};  // libpqxx on the connection the pipelines use
    return w.exec("SELECT count(*) FROM pg_prepared_statements")[0][0].as<long>();
  };
  for (size_t capacity : {size_t{2}, size_t{8}}) {
    INFO("capacity " << capacity);
    statement_cache cache{capacity, pipeline_statement_prefix};
    for (int i = 0; i < 12; ++i) {
      exec_request req;
      req.tx_id = static_cast<uint64_t>(i + 1);
      req.attempt = 1;
      req.deadline_ns = steady_now_ns() + 5'000'000'000;
      tx_script s;
      s.add("SELECT " + std::to_string(i) + " + $1::int AS v", 1);  // a new text each time
      auto out = run_pipelined(conn.native(), conn.link(), conn.backendpid(), req, s, cache);
      REQUIRE(out.committed);
      CHECK(out.results.at(0).rows.at(0).at(0).text == std::to_string(i + 1));
      CHECK(prepared_count() <= static_cast<long>(capacity));
    }
    CHECK(cache.size() <= capacity);
    pqxx::nontransaction w{conn};
    w.exec("DEALLOCATE ALL");
  }
}

TEST_CASE("with the statement cache off, a pipelined script runs unnamed", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  pg_connection conn{db.dsn()};
  statement_cache off{0, pipeline_statement_prefix};  // prepared-statements = false
  tx_script s;
  s.add("INSERT INTO t VALUES ($1)", 1);
  s.add("SELECT count(*) FROM pg_prepared_statements");
  for (int i = 0; i < 2; ++i) {
    exec_request req;
    req.tx_id = 1;
    req.attempt = static_cast<uint32_t>(i + 1);
    req.deadline_ns = steady_now_ns() + 5'000'000'000;
    auto out = run_pipelined(conn.native(), conn.link(), conn.backendpid(), req, s, off);
    REQUIRE(out.committed);
    CHECK(out.results.at(1).rows.at(0).at(0).text == "0");
  }
  CHECK(count(db, "t") == 2);
}

TEST_CASE("a script larger than the socket buffers neither deadlocks nor loses results", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE blob(id int, body text)");
  runtime rt{test::test_config(db)};
  const std::string body(2000, 'x');
  tx_script s;
  for (int i = 0; i < 3000; ++i)  // ~6 MB out, ~6 MB back through RETURNING
    s.add("INSERT INTO blob VALUES ($1, $2) RETURNING body", i, body);
  tx_options opts = rt.default_options();
  opts.timeout = 60s;
  auto out = rt.transact(opts, s);
  INFO(describe(out));
  REQUIRE(out.committed());
  REQUIRE(out.results.size() == 3000);
  CHECK(out.results.back().rows.at(0).at(0).text == body);
  CHECK(count(db, "blob") == 3000);
}
