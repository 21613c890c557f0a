// The metrics store's derived figures: operations' histograms, the success rate with
// rollbacks, the timeout deadline, the recent windows and gaps in the trend.
#include <string>

#include <catch2/catch.hpp>

#include "metrics_store_fixture.hpp"
#include "runtime/observability/metrics_store.hpp"

using namespace actortx;
using namespace actortx::test;
using namespace std::chrono_literals;

namespace {

tx_record failed_with(uint64_t id, std::string label, tx_state state, std::string error_type,
                      int64_t duration_us) {
  auto r = tx(id, std::move(label), state, duration_us);
  r.error_type = std::move(error_type);
  r.failure_causes = {r.error_type};
  return r;
}

}  // namespace

TEST_CASE(
    "operations hold one histogram per label, outcome and error type, sorted in that "
    "order",
    "[unit]") {
  metrics_store m;
  m.add(tx(1, "pay", tx_state::committed, 2000));   // (1 ms, 2.5 ms]
  m.add(tx(2, "pay", tx_state::committed, 20000));  // (10 ms, 25 ms]
  m.add(tx(3, "pay", tx_state::rolled_back, 700));  // (0.5 ms, 1 ms]
  m.add(failed_with(4, "pay", tx_state::failed, "23505", 3000));
  m.add(failed_with(5, "pay", tx_state::failed, "40001", 3000));
  m.add(failed_with(6, "pay", tx_state::failed, "23505", 3000));
  m.add(failed_with(7, "audit", tx_state::timeout, "deadline", 500000));
  m.add(tx(8, "pay", tx_state::failed, 1000));  // no error type (an old peer): "other"

  const auto ops = m.snapshot(ms(t0)).operations;
  REQUIRE(ops.size() == 6);
  CHECK(ops[0].operation == "audit");
  CHECK(ops[0].outcome == tx_state::timeout);
  CHECK(ops[0].error_type == "deadline");
  CHECK(ops[0].latency_buckets[latency_bucket_index(0.5)] == 1);
  CHECK(ops[1].operation == "pay");
  CHECK(ops[1].outcome == tx_state::committed);
  CHECK(ops[1].error_type.empty());
  CHECK(ops[1].latency_buckets[2] == 1);
  CHECK(ops[1].latency_buckets[5] == 1);
  CHECK(ops[1].latency_sum_seconds == Approx(0.022));
  CHECK(ops[2].outcome == tx_state::rolled_back);
  CHECK(ops[2].error_type.empty());
  CHECK(ops[3].outcome == tx_state::failed);
  CHECK(ops[3].error_type == "23505");
  CHECK(ops[3].latency_buckets[3] == 2);  // both in (2.5 ms, 5 ms]
  CHECK(ops[4].error_type == "40001");
  CHECK(ops[5].error_type == "other");
}

TEST_CASE("a body's rollback is a success, errors are failed, timed out and in doubt", "[unit]") {
  metrics_store m;
  uint64_t id = 0;
  for (int i = 0; i < 6; ++i) m.add(tx(++id, "pay", tx_state::committed, 1000));
  for (int i = 0; i < 3; ++i) m.add(tx(++id, "pay", tx_state::rolled_back, 1000));
  m.add(failed_with(++id, "pay", tx_state::in_doubt, "commit_in_doubt", 1000));
  const auto s = m.snapshot(ms(t0));
  CHECK(s.overall.rolled_back == 3);
  CHECK(s.overall.failed == 0);
  CHECK(s.overall.errors() == 1);
  CHECK(s.overall.success_rate == Approx(0.9));
  CHECK(s.by_label[0].agg.success_rate == Approx(0.9));
  CHECK(s.windows[0].success_rate == Approx(0.9));
}

TEST_CASE("timeout_deadline is the deadline of the latest TIMEOUT of that aggregate", "[unit]") {
  metrics_store m;
  auto late = tx(1, "pay", tx_state::timeout, 1000);
  late.timeout = 500ms;
  m.add(late);
  late.id = 2;
  late.label = "report";
  late.timeout = 30s;
  m.add(late);
  auto fine = tx(3, "pay", tx_state::committed, 1000);
  fine.timeout = 2s;  // not a timeout: changes nothing
  m.add(fine);
  const auto s = m.snapshot(ms(t0));
  CHECK(s.overall.timeout_deadline == 30s);
  CHECK(find_label(s, "pay")->agg.timeout_deadline == 500ms);
  CHECK(find_label(s, "report")->agg.timeout_deadline == 30s);
  CHECK(metrics_store{}.snapshot(ms(t0)).overall.timeout_deadline == 0ms);
}

TEST_CASE(
    "the 1 and 5 minute windows merge the trend buckets that start within them, and "
    "empty buckets stay gaps",
    "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 10min;
  metrics_store m{cfg};
  // Two minutes ago: slow, and one error. Now: fast commits and a rollback.
  m.add(tx(1, "pay", tx_state::committed, 3000000, -120 * 1000000LL));
  m.add(tx(2, "pay", tx_state::failed, 3000000, -119 * 1000000LL));
  for (uint64_t id = 3; id <= 6; ++id)
    m.add(tx(id, "pay", tx_state::committed, 700, -5 * 1000000LL));
  m.add(tx(7, "pay", tx_state::rolled_back, 700, -4 * 1000000LL));

  const auto s = m.snapshot(ms(t0) + 2000);  // 2 s into the bucket that starts at t0
  REQUIRE(s.windows.size() == 2);
  const auto& one = s.windows[0];
  CHECK(one.seconds == 60);
  CHECK(one.finished == 5);
  CHECK(one.success_rate == 1.0);
  CHECK(one.p99_seconds <= 0.001);  // the slow ones are older than a minute
  const auto& five = s.windows[1];
  CHECK(five.seconds == 300);
  CHECK(five.finished == 7);
  CHECK(five.success_rate == Approx(6.0 / 7.0));
  CHECK(five.p99_seconds > 2.5);

  // Between the two bursts nothing ended: those buckets are gaps, not zero latencies.
  size_t gaps = 0;
  for (const auto& p : s.trend)
    if (p.unix_s > t0 - 110 && p.unix_s < t0 - 10) {
      CHECK(p.finished() == 0);
      ++gaps;
    }
  CHECK(gaps == 9);

  // Nothing in the last minute: an empty window, success 1 by definition.
  const auto later = m.snapshot(ms(t0 + 120));
  CHECK(later.windows[0].finished == 0);
  CHECK(later.windows[0].success_rate == 1.0);
  CHECK(later.windows[0].p99_seconds == 0);
  CHECK(later.windows[1].finished == 7);
}
