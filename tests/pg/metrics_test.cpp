// Metrics against a real workload: what the counters say matches what the database saw.
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// The aggregate of `label` in `list` once it has `finished` transactions, polled from
/// `snapshot_list(rt.metrics())`: records reach the metrics actor asynchronously.
template <class List>
tx_aggregate wait_for(runtime& rt, const std::string& label, uint64_t finished, List list) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    const auto s = rt.metrics();
    for (const auto& l : list(s))
      if (l.label == label && l.agg.finished() >= finished) return l.agg;
    if (std::chrono::steady_clock::now() > until) FAIL("metrics never counted " << label);
    std::this_thread::sleep_for(20ms);
  }
}

/// Waits until the application's `label` has `finished` transactions.
tx_aggregate wait_for_label(runtime& rt, const std::string& label, uint64_t finished) {
  return wait_for(rt, label, finished, [](const metrics_snapshot& s) { return s.by_label; });
}

/// Waits until the library's own `label` has `finished` transactions.
tx_aggregate wait_for_internal(runtime& rt, const std::string& label, uint64_t finished) {
  return wait_for(rt, label, finished,
                  [](const metrics_snapshot& s) { return s.internal_by_label; });
}

tx_record record_of(runtime& rt, const tx_outcome& out) {
  auto r = rt.transaction_record(out.id);
  REQUIRE(r);
  return *r;
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
  for (const auto& f : s.failures_by_cause)
    if (f.cause == "23505") found = f.count == static_cast<uint64_t>(duplicates);
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

TEST_CASE(
    "a body's rollback, a unique violation and a killed backend are recorded with their "
    "exact outcome and causes",
    "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  db.exec("INSERT INTO t VALUES (1)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.retry.initial_delay = 1ms;

  opts.label = "obs.refused";  // e.g. insufficient funds: the body decides not to commit
  const auto refused = rt.transact(opts, [](tx& t) {
    t.exec("INSERT INTO t VALUES (2)");
    throw actortx::rollback("insufficient funds");
  });
  opts.label = "obs.duplicate";
  const auto duplicate = rt.transact(opts, [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); });
  opts.label = "obs.killed";
  const auto killed = rt.transact(opts, [&](tx& t) {
    t.exec("INSERT INTO t VALUES ($1)", 10 + static_cast<int>(t.attempt()));
    if (t.attempt() == 1) {
      // Another session ends ours between two statements of the body.
      REQUIRE(
          db.value<bool>("SELECT pg_terminate_backend(" + std::to_string(t.backend_pid()) + ")"));
      t.exec("SELECT 1");
    }
  });
  REQUIRE(refused.state == tx_state::rolled_back);
  REQUIRE(duplicate.state == tx_state::failed);
  REQUIRE(killed.committed());
  REQUIRE(killed.attempts == 2);

  const auto refused_agg = wait_for_label(rt, "obs.refused", 1);
  CHECK(refused_agg.rolled_back == 1);
  CHECK(refused_agg.failed == 0);
  CHECK(refused_agg.errors() == 0);
  CHECK(refused_agg.success_rate == 1.0);
  const auto r = record_of(rt, refused);
  CHECK(r.state == tx_state::rolled_back);
  CHECK(r.failure_causes.empty());  // a deliberate rollback is no failed attempt
  CHECK(r.error_type.empty());

  const auto duplicate_agg = wait_for_label(rt, "obs.duplicate", 1);
  CHECK(duplicate_agg.failed == 1);
  CHECK(duplicate_agg.success_rate == 0.0);
  const auto d = record_of(rt, duplicate);
  CHECK(d.failure_causes == std::vector<std::string>{"23505"});
  CHECK(d.error_type == "23505");

  wait_for_label(rt, "obs.killed", 1);
  const auto k = record_of(rt, killed);
  CHECK(k.state == tx_state::committed);
  // pg_terminate_backend: the server ends the session and libpq finds the socket closed,
  // so the attempt's cause is the lost connection (retried on a fresh one), no SQLSTATE.
  CHECK(k.failure_causes == std::vector<std::string>{"connection_lost"});
  CHECK(k.error_type.empty());

  const auto s = rt.metrics();
  CHECK(s.overall.rolled_back == 1);
  CHECK(s.overall.failed == 1);
  CHECK(s.overall.committed == 1);
  CHECK(s.overall.success_rate == Approx(2.0 / 3.0));
  for (const auto& f : s.failures_by_cause) CHECK(!f.cause.empty());
  bool duplicate_series = false;
  for (const auto& op : s.operations)
    if (op.operation == "obs.duplicate")
      duplicate_series = op.outcome == tx_state::failed && op.error_type == "23505";
  CHECK(duplicate_series);
}

TEST_CASE(
    "the library's own transactions are counted apart and never in the application's "
    "figures",
    "[pg]") {
  test::test_database db;
  auto cfg = test::test_config(db, 2);
  cfg.retention.prune_interval = std::chrono::milliseconds(0);  // rounds only when asked
  runtime rt{cfg};
  auto opts = rt.default_options();
  opts.label = "obs.app";
  REQUIRE(rt.transact(opts, [](tx& t) { t.exec("SELECT 1"); }).committed());
  const auto round = rt.prune_now();
  REQUIRE_FALSE(round.lease_held_elsewhere());
  REQUIRE(round.batches >= 1);

  const auto prune = wait_for_internal(rt, "actortx.prune", round.batches);
  CHECK(prune.committed >= round.batches);
  const auto s = rt.metrics();
  CHECK(s.overall.finished() == 1);  // only obs.app
  for (const auto& l : s.by_label) CHECK_FALSE(is_internal_label(l.label));
  for (const auto& op : s.operations) CHECK_FALSE(is_internal_label(op.operation));
  CHECK(s.internal.finished() >= round.batches);
  // Their records are still found, flagged as the library's.
  const auto records = rt.transaction_records("actortx.prune");
  REQUIRE_FALSE(records.empty());
  for (const auto& r : records) CHECK(r.internal);
  CHECK_FALSE(rt.transaction_records("obs.app").at(0).internal);
}

TEST_CASE("a body's own exception is recorded as body_exception on every path", "[pg]") {
  // The first transactions may find no idle connection and go through the supervisor; later
  // ones run their one attempt on the caller's thread (the blocking lane). Both must name the
  // cause, not "other".
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "obs.throws";
  for (int i = 0; i < 5; ++i) {
    const auto out = rt.transact(opts, [](tx& t) {
      t.exec("SELECT 1");
      throw std::runtime_error("the body's own bug");
    });
    REQUIRE(out.state == tx_state::failed);
    REQUIRE(out.code == errc::body_failed);
    REQUIRE(out.attempt_log.size() == 1);
    CHECK(out.attempt_log[0].code == errc::body_failed);
    const auto r = record_of(rt, out);
    CHECK(r.failure_causes == std::vector<std::string>{"body_exception"});
    CHECK(r.error_type == "body_exception");
  }
}
