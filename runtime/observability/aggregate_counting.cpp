#include "runtime/observability/aggregate_counting.hpp"

#include <algorithm>

#include "runtime/observability/latency_histogram.hpp"

namespace actortx {

namespace {

constexpr const char* deadlock_sqlstate = "40P01";
constexpr const char* serialization_sqlstate = "40001";

double seconds_of(std::chrono::microseconds d) noexcept {
  return static_cast<double>(d.count()) / 1e6;
}

}  // namespace

tx_state counted_outcome(tx_state s) noexcept {
  // A record is only sent with the answer; one that still says RUNNING did not commit, and
  // counting it keeps finished() equal to the histogram's count.
  return s == tx_state::running ? tx_state::failed : s;
}

bool is_error_outcome(tx_state s) noexcept {
  s = counted_outcome(s);
  return s == tx_state::failed || s == tx_state::timeout || s == tx_state::in_doubt;
}

double success_rate_of(uint64_t committed, uint64_t rolled_back, uint64_t finished) noexcept {
  if (finished == 0) return 1.0;
  return static_cast<double>(committed + rolled_back) / static_cast<double>(finished);
}

void count_record(tx_aggregate& a, const tx_record& r, size_t latency_bucket) {
  switch (counted_outcome(r.state)) {
    case tx_state::committed:
      ++a.committed;
      break;
    case tx_state::rolled_back:
      ++a.rolled_back;
      break;
    case tx_state::timeout:
      ++a.timed_out;
      // Advice about timeouts names the deadline these transactions really had.
      a.timeout_deadline = r.timeout;
      break;
    case tx_state::in_doubt:
      ++a.in_doubt;
      if (!r.idempotency_key && r.saga_id.empty()) ++a.in_doubt_unresolvable;
      break;
    case tx_state::failed:
    case tx_state::running:
      ++a.failed;
      break;
  }
  if (r.attempts > 1) a.retries += r.attempts - 1;
  for (const auto& c : r.failure_causes) {
    if (c == deadlock_sqlstate) ++a.deadlocks;
    if (c == serialization_sqlstate) ++a.serialization_failures;
  }
  a.savepoints += r.savepoints;
  a.rows += r.rows;
  if (a.latency_buckets.size() < latency_bucket_count)
    a.latency_buckets.resize(latency_bucket_count);
  ++a.latency_buckets[std::min(latency_bucket, latency_bucket_count - 1)];
  a.latency_sum_seconds += seconds_of(r.duration);
}

tx_aggregate with_derived_figures(tx_aggregate a, int64_t active) {
  a.active = active;
  const uint64_t finished = a.finished();
  a.started = finished + static_cast<uint64_t>(std::max<int64_t>(active, 0));
  a.success_rate = success_rate_of(a.committed, a.rolled_back, finished);
  a.p50_seconds = histogram_quantile(a.latency_buckets, 0.50);
  a.p95_seconds = histogram_quantile(a.latency_buckets, 0.95);
  a.p99_seconds = histogram_quantile(a.latency_buckets, 0.99);
  return a;
}

}  // namespace actortx
