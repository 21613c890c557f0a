// Pipelined scripts under faults: the server's statement_timeout, a terminated backend, a COMMIT
// reply that never comes. Every answer is checked against the database.
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"
#include "support/proxied_runtime.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using test::ms_since;

namespace {

/// pg_sleep tagged with the test's schema, so that tests running in parallel on the cluster
/// find their own backend in pg_stat_activity.
std::string tagged_sleep(const test::test_schema& db, const char* seconds) {
  return std::string{"SELECT pg_sleep("} + seconds + ") -- " + db.name();
}
std::string sleeping_sql(const test::test_schema& db, const char* seconds) {
  return "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query = '" +
         tagged_sleep(db, seconds) + "'";
}

/// The proxied runtime (tests/support), paying with a script: one pipeline.
struct proxied : test::proxied_runtime {
  /// INSERT, then a sleep on the server, then COMMIT: all in one pipeline.
  tx_outcome pay(int id, std::chrono::milliseconds timeout, const std::string& key = {}) {
    tx_options opts = rt.default_options();
    opts.timeout = timeout;
    opts.idempotency_key = key.empty() ? key : db.name() + "/" + key;
    tx_script s;
    s.add("INSERT INTO paid(id) VALUES ($1)", id);
    s.add(tagged_sleep(db, "0.3"));
    return rt.transact(opts, s);
  }
  /// Holds the replies of the pipeline of `id` (once its backend sleeps, the whole pipeline
  /// has passed the proxy) until the server committed it, then drops the connection: COMMIT's
  /// reply never arrives.
  void lose_commit_reply(int id) {
    await(sleeping_sql(db, "0.3"));
    proxy.stall_all();
    await("SELECT count(*) FROM paid WHERE id = " + std::to_string(id));
    proxy.cut_all();
    proxy.resume();
  }
  void await(const std::string& count_sql) {
    for (int i = 0; i < 500; ++i) {
      if (db.value<long>(count_sql) > 0) return;
      std::this_thread::sleep_for(2ms);
    }
    FAIL("not seen within 1 s: " << count_sql);
  }
  long rows(int id) {
    return db.value<long>("SELECT count(*) FROM paid WHERE id = " + std::to_string(id));
  }
};

}  // namespace

TEST_CASE("a pipelined script past its deadline is stopped by the server: TIMEOUT", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 300ms;
  tx_script s;
  s.add("INSERT INTO t VALUES (1)");
  s.add("SELECT pg_sleep(5)");
  const auto t0 = test::clock_type::now();
  auto out = rt.transact(opts, s);
  const long took = ms_since(t0);
  INFO(describe(out));
  CHECK(out.state == tx_state::timeout);
  CHECK(out.attempt_log.at(0).sqlstate == "57014");  // the server's statement_timeout
  CHECK(took < 300 + 150);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
  // The connection that timed out is fine for the next script.
  opts.timeout = 5s;
  CHECK(rt.transact(opts, tx_script{}.add("INSERT INTO t VALUES (2)")).committed());
}

TEST_CASE("statements that together outlast the deadline end TIMEOUT, not IN_DOUBT", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 500ms;
  tx_script s;  // each well inside the deadline, all three past it
  s.add("INSERT INTO t VALUES (1)");
  for (int i = 0; i < 3; ++i) s.add("SELECT pg_sleep(0.2)");
  auto out = rt.transact(opts, s);
  INFO(describe(out));
  CHECK(out.state == tx_state::timeout);
  CHECK(out.attempt_log.at(0).sqlstate == "57014");
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

TEST_CASE("a backend terminated mid-pipeline: retried on a new connection, committed once",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 10s;
  tx_script s;
  s.add("INSERT INTO t VALUES (1)");
  s.add(tagged_sleep(db, "0.4"));
  s.add("INSERT INTO t VALUES (2)");
  auto client = std::async(std::launch::async, [&] { return rt.transact(opts, s); });
  // Terminate the backend while it sleeps in the middle of the pipeline (first attempt only).
  long killed = 0;
  for (int i = 0; i < 500 && killed == 0; ++i) {
    killed = db.value<long>(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE pid <> pg_backend_pid() AND query = '" +
        tagged_sleep(db, "0.4") + "'");
    if (killed == 0) std::this_thread::sleep_for(2ms);
  }
  REQUIRE(killed == 1);
  auto out = client.get();
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(out.attempts == 2);
  CHECK(out.attempt_log.at(0).sqlstate == "57P01");
  CHECK(out.attempt_log.at(0).cls == error_class::reconnect);
  CHECK(out.attempt_log.at(1).backend_pid != out.attempt_log.at(0).backend_pid);
  // Nothing half-done: the first attempt's INSERT is gone, the second's both rows are there.
  CHECK(db.value<std::string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM t") == "1,2");
}

TEST_CASE("a COMMIT reply lost in a pipeline is IN_DOUBT without a key; it did commit", "[pg]") {
  proxied p;
  auto client = std::async(std::launch::async, [&] { return p.pay(1, 10s); });
  p.lose_commit_reply(1);
  auto out = client.get();
  INFO(describe(out));
  CHECK(out.state == tx_state::in_doubt);
  CHECK(out.code == errc::commit_in_doubt);
  CHECK(out.attempts == 1);
  CHECK(p.rows(1) == 1);
  CHECK(p.pay(2, 5s).committed());  // the pool healed
}

TEST_CASE("a COMMIT reply lost in a pipeline with a key: the retry reports the commit", "[pg]") {
  proxied p;
  auto client = std::async(std::launch::async, [&] { return p.pay(3, 10s, "order-3"); });
  p.lose_commit_reply(3);
  auto out = client.get();
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.deduplicated);
  REQUIRE(out.attempts == 2);
  CHECK(out.attempt_log.at(0).cls == error_class::in_doubt);
  CHECK(p.rows(3) == 1);
}

TEST_CASE("a COMMIT reply held past the deadline is IN_DOUBT; the same key again is deduplicated",
          "[pg]") {
  proxied p;
  const auto t0 = test::clock_type::now();
  auto client = std::async(std::launch::async, [&] { return p.pay(4, 700ms, "order-4"); });
  p.await(sleeping_sql(p.db, "0.3"));
  p.proxy.stall_all();  // held until after the answer: the deadline comes first
  auto out = client.get();
  const long took = ms_since(t0);
  p.proxy.resume();
  INFO(describe(out));
  CHECK(out.state == tx_state::in_doubt);
  CHECK(took < 700 + 200);
  p.await("SELECT count(*) FROM paid WHERE id = 4");  // it did commit
  auto again = p.pay(4, 5s, "order-4");
  INFO(describe(again));
  CHECK(again.committed());
  CHECK(again.deduplicated);
  CHECK(p.rows(4) == 1);
}
