// The blocking lane (caller -> connection -> caller) against a real PostgreSQL: it shares the
// pool with the supervisor's path, hands a failed first attempt over under the same id, and
// keeps every answer truthful when connections are scarce.
#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/retryable_error.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("more blocking callers than connections: every transaction commits exactly once",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE counter(n int NOT NULL); INSERT INTO counter VALUES (0)");
  runtime rt{test::test_config(db, 1)};  // one connection: the lane and the pool's queue share it
  constexpr int threads = 4, each = 50;
  std::atomic<int> committed{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t)
    callers.emplace_back([&] {
      for (int i = 0; i < each; ++i) {
        auto out = rt.transact([](tx& x) { x.exec("UPDATE counter SET n = n + 1"); });
        if (out.committed()) ++committed;
      }
    });
  for (auto& c : callers) c.join();
  CHECK(committed.load() == threads * each);
  CHECK(db.value<int>("SELECT n FROM counter") == threads * each);
  auto stats = rt.pool_snapshot();
  CHECK(stats.leases >= static_cast<uint64_t>(threads * each));
  CHECK(stats.waiting == 0);
  CHECK(rt.active_transactions().empty());
}

TEST_CASE("a first attempt that fails is retried by the supervisor under the same id", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(v int)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.retry.initial_delay = 5ms;
  std::vector<uint64_t> ids;
  auto out = rt.transact(opts, [&](tx& x) {
    ids.push_back(x.id());
    x.exec("INSERT INTO t VALUES ($1)", static_cast<int>(x.attempt()));
    if (x.attempt() == 1) throw retryable_error{"a service was briefly away"};
  });
  REQUIRE(out.committed());
  CHECK(out.attempts == 2);
  REQUIRE(out.attempt_log.size() == 2);
  CHECK(out.attempt_log[0].message.find("briefly away") != std::string::npos);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == ids[1]);
  CHECK(out.id == ids[0]);
  CHECK(db.value<int>("SELECT count(*) FROM t") == 1);  // attempt 1 rolled back
  CHECK(db.value<int>("SELECT v FROM t") == 2);
  // The record of the retried transaction reaches the metrics like any other.
  auto rec = rt.transaction_record(out.id);
  REQUIRE(rec.has_value());
  CHECK(rec->attempts == 2);
}

TEST_CASE("a lane transaction's record is there as soon as its caller has the outcome", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  for (int i = 0; i < 20; ++i) {
    auto out = rt.transact([](tx& x) { x.exec("SELECT 1"); });
    REQUIRE(out.committed());
    auto rec = rt.transaction_record(out.id);  // records wait in an outbox; a query takes them
    REQUIRE(rec.has_value());
    CHECK(rec->id == out.id);
  }
}

TEST_CASE("shutdown answers a lane transaction that is still running", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db);
  cfg.transactions.shutdown_grace = 100ms;
  tx_outcome out;
  std::thread caller;
  {
    runtime rt{cfg};
    auto opts = rt.default_options();
    opts.timeout = 20s;
    caller =
        std::thread{[&] { out = rt.transact(opts, [](tx& x) { x.exec("SELECT pg_sleep(5)"); }); }};
    std::this_thread::sleep_for(200ms);
    REQUIRE(rt.active_transactions().size() == 1);
  }  // the runtime shuts down with the transaction running
  caller.join();
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::shutting_down);
}
