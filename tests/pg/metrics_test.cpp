// Metrics against a real workload: what the counters say matches what the database saw.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Records reach the metrics actor asynchronously: waits until `label` has `finished` ones.
tx_aggregate wait_for_label(runtime& rt, const std::string& label, uint64_t finished) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    for (const auto& l : rt.metrics().by_label)
      if (l.label == label && l.agg.finished() >= finished) return l.agg;
    if (std::chrono::steady_clock::now() > until) FAIL("metrics never counted " << label);
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

TEST_CASE("commits counted by the metrics equal the rows the database holds", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "obs.insert";
  const int n = 120;
  int duplicates = 0;
  for (int i = 0; i < n; ++i) {
    // Every tenth id repeats the previous one: a unique violation, failed fast.
    const int id = i % 10 == 9 ? i - 1 : i;
    if (id != i) ++duplicates;
    rt.transact(opts, [id](tx& t) { t.exec("INSERT INTO t VALUES ($1)", id); });
  }
  auto agg = wait_for_label(rt, "obs.insert", n);
  const auto rows = db.value<uint64_t>("SELECT count(*) FROM t");
  CHECK(agg.committed == rows);
  CHECK(agg.failed == static_cast<uint64_t>(duplicates));
  CHECK(agg.rows == rows);  // one INSERT per committed transaction
  CHECK(agg.retries == 0);
  CHECK(agg.success_rate == Approx(static_cast<double>(rows) / n));
  CHECK(agg.p50_seconds > 0);
  CHECK(agg.p99_seconds >= agg.p50_seconds);
  auto s = rt.metrics();
  bool found = false;
  for (const auto& f : s.failures_by_sqlstate)
    if (f.sqlstate == "23505") found = f.count == static_cast<uint64_t>(duplicates);
  CHECK(found);
  CHECK(s.pool.leases >= static_cast<uint64_t>(n));
  CHECK(s.pool.max == 4);
  CHECK(s.health.score > 0);
}

TEST_CASE("a transaction's record is found by its id and by its label", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "obs.find";
  opts.level = isolation::repeatable_read;
  auto first = rt.transact(opts, [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); });
  auto second = rt.transact(opts, [](tx& t) {
    t.nested([](tx& n) { n.exec("INSERT INTO t VALUES (2)"); });
    t.nested([](tx& n) { n.exec("INSERT INTO t VALUES (2)"); });  // fails inside its savepoint
    t.exec("SELECT * FROM t");
  });
  REQUIRE(second.committed());
  wait_for_label(rt, "obs.find", 2);
  auto r = rt.transaction_record(second.id);
  REQUIRE(r);
  CHECK(r->label == "obs.find");
  CHECK(r->state == tx_state::committed);
  CHECK(r->iso == isolation::repeatable_read);
  CHECK(r->savepoints == 2);
  CHECK(r->rows == 3);  // one inserted row, then two selected
  CHECK(r->attempts == 1);
  auto list = rt.transaction_records("obs.find");
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == second.id);  // newest first
  CHECK(list[1].id == first.id);
  CHECK_FALSE(rt.transaction_record(999999));
}

TEST_CASE("a retried deadlock victim counts a retry and a deadlock", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "obs.retry";
  opts.retry.initial_delay = 1ms;
  int calls = 0;
  auto out = rt.transact(opts, [&](tx&) {
    if (++calls == 1) throw pqxx::deadlock_detected("deadlock detected (injected by the test)");
  });
  REQUIRE(out.committed());
  auto agg = wait_for_label(rt, "obs.retry", 1);
  CHECK(agg.retries == 1);
  CHECK(agg.deadlocks == 1);
  CHECK(agg.committed == 1);
}

TEST_CASE("an application alert reaches the on_alert callback once within the dedup time", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db);
  std::atomic<int> seen{0};
  cfg.observability.on_alert = [&](const alert& a) {
    if (a.rule == "app.test") ++seen;
  };
  runtime rt{cfg};
  alert a;
  a.rule = "app.test";
  a.level = alert_level::error;
  a.message = "raised by the test";
  rt.raise_alert(a);
  rt.raise_alert(a);           // same rule and subject: deduplicated
  auto history = rt.alerts();  // answered after both alerts were handled (one mailbox)
  REQUIRE(history.size() == 1);
  CHECK(history[0].message == "raised by the test");
  CHECK(history[0].level == alert_level::error);
  CHECK(seen == 1);
}

TEST_CASE("with metrics off the runtime answers empty metrics and keeps working", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db);
  cfg.observability.enabled = false;
  runtime rt{cfg};
  CHECK(rt.transact([](tx& t) { t.exec("SELECT 1"); }).committed());
  CHECK(rt.metrics().overall.finished() == 0);
  CHECK(rt.alerts().empty());
  CHECK(rt.dashboard_port() == 0);
}
