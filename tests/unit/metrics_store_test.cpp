// The metrics store's counting, ring and trend (labels and internal records:
// metrics_store_labels_test.cpp; operations and windows: metrics_store_windows_test.cpp).
#include "runtime/observability/metrics_store.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "metrics_store_fixture.hpp"

using namespace actortx;
using namespace actortx::test;
using namespace std::chrono_literals;

namespace {

saga_record saga(std::string id, saga_state state, uint32_t compensations, bool recovered = false) {
  saga_record r;
  r.id = std::move(id);
  r.type = "transfer";
  r.state = state;
  r.steps = 3;
  r.compensations = compensations;
  r.recovered = recovered;
  return r;
}

/// 40 transactions of 8 ms, 50 of 20 ms, 10 of 30 ms.
void add_known_distribution(metrics_store& m, const std::string& label) {
  uint64_t id = 0;
  for (int i = 0; i < 40; ++i) m.add(tx(++id, label, tx_state::committed, 8000));
  for (int i = 0; i < 50; ++i) m.add(tx(++id, label, tx_state::committed, 20000));
  for (int i = 0; i < 10; ++i) m.add(tx(++id, label, tx_state::committed, 30000));
}

}  // namespace

TEST_CASE("p99 of a known latency distribution is interpolated inside its bucket", "[unit]") {
  metrics_store m;
  add_known_distribution(m, "transfer");
  const auto s = m.snapshot(ms(t0));

  // Buckets (5 ms, 10 ms] = 40, (10 ms, 25 ms] = 50, (25 ms, 50 ms] = 10.
  CHECK(s.overall.latency_buckets[4] == 40);
  CHECK(s.overall.latency_buckets[5] == 50);
  CHECK(s.overall.latency_buckets[6] == 10);
  // rank 50: 10 of the 50 in (10, 25] ms -> 10 + 15 * 10/50 ms.
  CHECK(s.overall.p50_seconds == Approx(0.013).epsilon(1e-12));
  // rank 95: 5 of the 10 in (25, 50] ms; rank 99: 9 of them.
  CHECK(s.overall.p95_seconds == Approx(0.0375).epsilon(1e-12));
  CHECK(s.overall.p99_seconds == Approx(0.0475).epsilon(1e-12));
  CHECK(s.overall.latency_sum_seconds == Approx(40 * 0.008 + 50 * 0.020 + 10 * 0.030));

  const auto* l = find_label(s, "transfer");
  REQUIRE(l);
  CHECK(l->agg.p99_seconds == Approx(0.0475).epsilon(1e-12));
}

TEST_CASE(
    "histogram_quantile starts the first bucket at 0 and answers the last finite bound "
    "for the +Inf bucket",
    "[unit]") {
  std::vector<uint64_t> b(latency_bucket_count, 0);
  CHECK(histogram_quantile(b, 0.99) == 0);  // empty

  b[0] = 4;  // all in [0, 0.5 ms]
  CHECK(histogram_quantile(b, 0.5) == Approx(0.00025));

  b[0] = 90;
  b[latency_bucket_count - 1] = 10;  // slower than 10 s
  CHECK(histogram_quantile(b, 0.90) == Approx(0.0005));
  CHECK(histogram_quantile(b, 0.99) == 10.0);
  CHECK(histogram_quantile(b, 1.0) == 10.0);
}

TEST_CASE("histogram_quantile at 0 and 1 answers the bounds of the occupied bucket", "[unit]") {
  std::vector<uint64_t> b(latency_bucket_count, 0);
  b[3] = 5;  // (2.5 ms, 5 ms]
  CHECK(histogram_quantile(b, 0.0) == Approx(0.0025));
  CHECK(histogram_quantile(b, 1.0) == Approx(0.005));
  CHECK(histogram_quantile(b, 7.0) == Approx(0.005));  // clamped to 1
}

TEST_CASE("latency_bucket_index puts a value equal to a bound into that bound's bucket", "[unit]") {
  CHECK(latency_bucket_index(0.0) == 0);
  CHECK(latency_bucket_index(0.0005) == 0);
  CHECK(latency_bucket_index(0.0005001) == 1);
  CHECK(latency_bucket_index(0.001) == 1);
  CHECK(latency_bucket_index(10.0) == 13);
  CHECK(latency_bucket_index(10.000001) == latency_bucket_count - 1);

  // Microsecond durations on a bound land on it too (1000 us / 1e6 == 0.001 exactly).
  metrics_store m;
  m.add(tx(1, "", tx_state::committed, 1000));
  CHECK(m.snapshot(ms(t0)).overall.latency_buckets[1] == 1);
}

TEST_CASE(
    "aggregates count final states, retries, deadlocks, serialization failures, "
    "savepoints and rows per label and overall",
    "[unit]") {
  metrics_store m;
  auto committed =
      with_failures(tx(1, "transfer", tx_state::committed, 5000), 3, {"40P01", "40001"});
  committed.savepoints = 2;
  committed.rows = 5;
  m.add(committed);
  m.add(tx(2, "transfer", tx_state::rolled_back, 5000));
  m.add(with_failures(tx(3, "transfer", tx_state::timeout, 5000), 2, {"40001", "57014"}));
  m.add(with_failures(tx(4, "report", tx_state::failed, 5000), 1, {"42P01"}));
  m.add(with_failures(tx(5, "report", tx_state::in_doubt, 5000), 1, {"08006"}));
  auto keyed = with_failures(tx(7, "report", tx_state::in_doubt, 5000), 1, {"08006"});
  keyed.idempotency_key = true;  // resolvable: run it again with its key
  m.add(keyed);
  auto step = with_failures(tx(8, "report", tx_state::in_doubt, 5000), 1, {"08006"});
  step.saga_id = "3f2a";  // resolved by its saga
  m.add(step);
  auto big = tx(6, "report", tx_state::committed, 5000);
  big.rows = 100;
  m.add(big);

  const auto s = m.snapshot(ms(t0));
  const auto& o = s.overall;
  CHECK(o.committed == 2);
  CHECK(o.rolled_back == 1);
  CHECK(o.failed == 1);
  CHECK(o.timed_out == 1);
  CHECK(o.in_doubt == 3);
  CHECK(o.in_doubt_unresolvable == 1);
  CHECK(o.finished() == 8);
  CHECK(o.started == 8);
  CHECK(o.retries == 3);  // (3 - 1) + (2 - 1)
  CHECK(o.deadlocks == 1);
  CHECK(o.serialization_failures == 2);
  CHECK(o.savepoints == 2);
  CHECK(o.rows == 105);
  CHECK(o.success_rate == Approx(3.0 / 8.0));  // committed or rolled back by the body

  REQUIRE(s.by_label.size() == 2);
  CHECK(s.by_label[0].label == "report");  // sorted by label
  CHECK(s.by_label[1].label == "transfer");
  const auto& t = s.by_label[1].agg;
  CHECK(t.committed == 1);
  CHECK(t.rolled_back == 1);
  CHECK(t.timed_out == 1);
  CHECK(t.failed == 0);
  CHECK(t.retries == 3);
  CHECK(t.deadlocks == 1);
  CHECK(t.serialization_failures == 2);
  CHECK(t.success_rate == Approx(2.0 / 3.0));
  const auto& r = s.by_label[0].agg;
  CHECK(r.failed == 1);
  CHECK(r.in_doubt == 3);
  CHECK(r.rows == 100);
  CHECK(r.retries == 0);
}

TEST_CASE("success rate is 1 and percentiles are 0 when nothing finished", "[unit]") {
  metrics_store m;
  const auto s = m.snapshot(ms(t0));
  CHECK(s.overall.success_rate == 1.0);
  CHECK(s.overall.p50_seconds == 0);
  CHECK(s.overall.p99_seconds == 0);
  CHECK(s.overall.started == 0);
  CHECK(s.by_label.empty());
  CHECK(s.failures_by_cause.empty());
  CHECK(s.unix_ms == ms(t0));
}

TEST_CASE("started is finished plus active, and set_active replaces the previous figures",
          "[unit]") {
  metrics_store m;
  m.add(tx(1, "transfer", tx_state::committed, 1000));
  m.add(tx(2, "transfer", tx_state::failed, 1000));
  m.add(tx(3, "report", tx_state::committed, 1000));
  m.set_active(4, {{"transfer", 1}, {"idle", 3}, {"report", 0}});

  auto s = m.snapshot(ms(t0));
  CHECK(s.overall.active == 4);
  CHECK(s.overall.started == 7);
  REQUIRE(s.by_label.size() == 3);
  // A label with running transactions only is listed, in label order.
  CHECK(s.by_label[0].label == "idle");
  CHECK(s.by_label[0].agg.active == 3);
  CHECK(s.by_label[0].agg.started == 3);
  CHECK(s.by_label[0].agg.success_rate == 1.0);
  CHECK(s.by_label[1].label == "report");
  CHECK(s.by_label[1].agg.active == 0);
  CHECK(s.by_label[1].agg.started == 1);
  CHECK(s.by_label[2].label == "transfer");
  CHECK(s.by_label[2].agg.active == 1);
  CHECK(s.by_label[2].agg.started == 3);

  m.set_active(0);
  s = m.snapshot(ms(t0));
  CHECK(s.overall.started == 3);
  REQUIRE(s.by_label.size() == 2);
  CHECK(s.by_label[0].label == "report");
  CHECK(s.by_label[1].agg.active == 0);
  CHECK(s.by_label[1].agg.started == 2);
}

TEST_CASE("failures_by_cause counts every failed attempt, by count then cause", "[unit]") {
  metrics_store m;
  m.add(with_failures(tx(1, "a", tx_state::committed, 1000), 4, {"40001", "40001", "40P01"}));
  m.add(with_failures(tx(2, "b", tx_state::failed, 1000), 2, {"40P01", "connection_lost"}));
  m.add(with_failures(tx(3, "a", tx_state::committed, 1000), 2, {"40001"}));
  m.add(with_failures(tx(4, "a", tx_state::failed, 1000), 1, {"connection_lost"}));
  m.add(with_failures(tx(5, "b", tx_state::in_doubt, 1000), 1, {"08006"}));

  const auto f = m.snapshot(ms(t0)).failures_by_cause;
  REQUIRE(f.size() == 4);
  CHECK(f[0].cause == "40001");
  CHECK(f[0].count == 3);
  CHECK(f[1].cause == "40P01");  // ties: by cause, "40P01" before "connection_lost"
  CHECK(f[1].count == 2);
  CHECK(f[2].cause == "connection_lost");
  CHECK(f[2].count == 2);
  CHECK(f[3].cause == "08006");
  CHECK(f[3].count == 1);
}

TEST_CASE("the ring keeps the newest records, queryable by id and by label newest first",
          "[unit]") {
  metrics_store_settings cfg;
  cfg.ring_capacity = 3;
  metrics_store m{cfg};
  const char* labels[] = {"a", "b", "a", "b", "a"};
  for (uint64_t id = 1; id <= 5; ++id) m.add(tx(id, labels[id - 1], tx_state::committed, 1000));

  CHECK(ids(m.recent()) == std::vector<uint64_t>{5, 4, 3});
  CHECK(ids(m.recent(2)) == std::vector<uint64_t>{5, 4});
  CHECK_FALSE(m.find(2).has_value());  // evicted
  REQUIRE(m.find(4).has_value());
  CHECK(m.find(4)->label == "b");
  CHECK(ids(m.by_label("a")) == std::vector<uint64_t>{5, 3});
  CHECK(ids(m.by_label("a", 1)) == std::vector<uint64_t>{5});
  CHECK(m.by_label("nope").empty());
  // Evicted records stay counted.
  CHECK(m.snapshot(ms(t0)).overall.committed == 5);
}

TEST_CASE("of_saga finds a saga's records newest first, never the records of no saga", "[unit]") {
  metrics_store_settings cfg;
  cfg.ring_capacity = 4;
  metrics_store m{cfg};
  const char* sagas[] = {"s-1", "", "s-2", "s-1", "", "s-1"};
  for (uint64_t id = 1; id <= 6; ++id) {
    auto r = tx(id, "transfer/debit", tx_state::committed, 1000);
    r.saga_id = sagas[id - 1];
    m.add(r);
  }
  // Ids 1 and 2 left the ring; id 1 was one of s-1's.
  CHECK(ids(m.of_saga("s-1")) == std::vector<uint64_t>{6, 4});
  CHECK(ids(m.of_saga("s-1", 1)) == std::vector<uint64_t>{6});
  CHECK(ids(m.of_saga("s-2")) == std::vector<uint64_t>{3});
  CHECK(m.of_saga("s-3").empty());
  CHECK(m.of_saga("").empty());
  // The saga id is no label: the by-label aggregates are untouched by it.
  const auto snap = m.snapshot(ms(t0));
  REQUIRE(snap.by_label.size() == 1);
  CHECK(snap.by_label[0].label == "transfer/debit");
}

TEST_CASE("sagas are counted by final state with their compensations and recoveries", "[unit]") {
  metrics_store_settings cfg;
  cfg.ring_capacity = 2;
  metrics_store m{cfg};
  for (int i = 0; i < 5; ++i) m.saga_started();
  m.add(saga("s1", saga_state::committed, 0));
  m.add(saga("s2", saga_state::compensated, 2, true));
  m.add(saga("s3", saga_state::failed, 1));
  m.add(saga("s4", saga_state::compensated, 1));

  const auto s = m.snapshot(ms(t0)).sagas;
  CHECK(s.started == 5);
  CHECK(s.by_state[static_cast<size_t>(saga_state::committed)] == 1);
  CHECK(s.by_state[static_cast<size_t>(saga_state::compensated)] == 2);
  CHECK(s.by_state[static_cast<size_t>(saga_state::failed)] == 1);
  CHECK(s.by_state[static_cast<size_t>(saga_state::executing)] == 0);
  CHECK(s.compensations == 4);
  CHECK(s.recovered == 1);

  const auto recent = m.recent_sagas();
  REQUIRE(recent.size() == 2);
  CHECK(recent[0].id == "s4");
  CHECK(recent[1].id == "s3");
}

TEST_CASE("the trend buckets records by end time and fills the span with zeros", "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 1min;
  metrics_store m{cfg};
  m.add(tx(1, "", tx_state::committed, 2000000, 3000000));  // started 1 s before t0
  m.add(tx(2, "", tx_state::failed, 1000, 9999999));
  m.add(tx(3, "", tx_state::committed, 1000, 35000000));
  m.add(tx(4, "", tx_state::rolled_back, 1000, 10000000));  // late, into an earlier bucket

  // now = t0 + 42.5 s: [now - 60 s, now] touches the buckets t0 - 20 s ... t0 + 40 s.
  const auto trend = m.snapshot(ms(t0 + 42) + 500).trend;
  REQUIRE(trend.size() == 7);
  for (size_t i = 0; i < trend.size(); ++i)
    CHECK(trend[i].unix_s == t0 - 20 + 10 * static_cast<int64_t>(i));
  CHECK(trend[0].finished() + trend[1].finished() == 0);
  CHECK(trend[2].committed == 1);  // t0: ended at +3 s and +9.999999 s
  CHECK(trend[2].failed == 1);
  CHECK(trend[2].rolled_back == 0);
  CHECK(trend[3].committed == 0);  // t0 + 10 s: the late rollback, which is no error
  CHECK(trend[3].rolled_back == 1);
  CHECK(trend[3].failed == 0);
  CHECK(trend[4].finished() == 0);
  CHECK(trend[5].committed == 1);  // t0 + 30 s
  CHECK(trend[6].finished() == 0);

  // A now on a bucket boundary covers the same number of buckets.
  CHECK(m.snapshot(ms(t0 + 40)).trend.size() == 7);
  // Defaults: 60 min of 10 s buckets, both ends included.
  CHECK(metrics_store{}.snapshot(ms(t0)).trend.size() == 361);
}

TEST_CASE("each trend point's percentiles come from its own bucket's histogram", "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 1min;
  metrics_store m{cfg};
  for (uint64_t id = 1; id <= 4; ++id) m.add(tx(id, "", tx_state::committed, 700, 1000000));
  m.add(tx(5, "", tx_state::committed, 3000000, 11000000));

  const auto trend = m.snapshot(ms(t0 + 20)).trend;
  REQUIRE(trend.size() == 7);
  REQUIRE(trend[4].unix_s == t0);
  // Four in (0.5 ms, 1 ms]: rank 2 of 4 -> 0.75 ms, rank 3.96 -> 0.995 ms.
  CHECK(trend[4].p50_seconds == Approx(0.00075).epsilon(1e-12));
  CHECK(trend[4].p99_seconds == Approx(0.000995).epsilon(1e-12));
  // One in (2.5 s, 5 s].
  REQUIRE(trend[5].unix_s == t0 + 10);
  CHECK(trend[5].p50_seconds == Approx(3.75));
  CHECK(trend[5].p99_seconds == Approx(4.975));
  CHECK(trend[6].p50_seconds == 0);
}

TEST_CASE("a record older than the trend span counts in the aggregates but not in the trend",
          "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 1min;
  metrics_store m{cfg};
  m.add(tx(1, "", tx_state::committed, 1000, 1000 * 1000000LL));
  m.add(tx(2, "", tx_state::committed, 1000, 800 * 1000000LL));  // 200 s behind the newest

  CHECK(m.snapshot(ms(t0 + 1000)).overall.committed == 2);
  uint64_t in_trend = 0;
  for (const auto& p : m.snapshot(ms(t0 + 1000)).trend) in_trend += p.committed;
  CHECK(in_trend == 1);
  for (const auto& p : m.snapshot(ms(t0 + 805)).trend) CHECK(p.committed == 0);
}

TEST_CASE("old trend buckets are dropped once newer ones are beyond the span", "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 1min;
  metrics_store m{cfg};
  m.add(tx(1, "", tx_state::committed, 1000, 1000000));
  auto count_at_t0 = [&] {
    for (const auto& p : m.snapshot(ms(t0 + 5)).trend)
      if (p.unix_s == t0) return p.committed;
    return uint64_t{99};
  };
  CHECK(count_at_t0() == 1);
  m.add(tx(2, "", tx_state::committed, 1000, 30 * 1000000LL));  // still within the span
  CHECK(count_at_t0() == 1);
  m.add(tx(3, "", tx_state::committed, 1000, 2 * 3600 * 1000000LL));
  CHECK(count_at_t0() == 0);
  CHECK(m.snapshot(ms(t0)).overall.committed == 3);
}
