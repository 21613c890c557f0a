#include "runtime/observability/trend_buckets.hpp"

#include <algorithm>
#include <utility>

#include "runtime/observability/aggregate_counting.hpp"
#include "runtime/observability/latency_histogram.hpp"

namespace actortx {

namespace {

/// Floor division for a positive divisor: times before the epoch still land in the bucket
/// that starts at or before them (plain `/` truncates towards zero).
int64_t floor_div(int64_t a, int64_t b) noexcept {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

trend_buckets::trend_buckets(std::chrono::seconds width, std::chrono::seconds span)
    // A zero or negative width would divide by zero; one second is the finest the trend shows.
    : width_s_(std::max<int64_t>(width.count(), 1)), span_s_(std::max<int64_t>(span.count(), 0)) {}

void trend_buckets::add(int64_t end_unix_us, tx_state outcome, size_t latency_bucket) {
  auto* b = bucket_for(end_unix_us);
  if (!b) return;
  switch (counted_outcome(outcome)) {
    case tx_state::committed:
      ++b->committed;
      break;
    case tx_state::rolled_back:
      ++b->rolled_back;
      break;
    default:
      ++b->errors;
      break;
  }
  ++b->latency[std::min(latency_bucket, latency_bucket_count - 1)];
}

trend_buckets::bucket* trend_buckets::bucket_for(int64_t end_unix_us) {
  const int64_t start = floor_div(floor_div(end_unix_us, 1000000), width_s_) * width_s_;
  if (!buckets_.empty()) {
    // Anything older than the span behind the newest bucket can never be shown again.
    const int64_t newest = std::max(buckets_.back().unix_s, start);
    const int64_t keep_from = floor_div(newest - span_s_, width_s_) * width_s_;
    if (start < keep_from) return nullptr;
    while (!buckets_.empty() && buckets_.front().unix_s < keep_from) buckets_.pop_front();
  }
  // Records arrive nearly in end-time order: the newest bucket is the usual answer.
  if (!buckets_.empty() && buckets_.back().unix_s == start) return &buckets_.back();
  auto i = std::lower_bound(buckets_.begin(), buckets_.end(), start,
                            [](const bucket& x, int64_t s) { return x.unix_s < s; });
  if (i != buckets_.end() && i->unix_s == start) return &*i;
  bucket fresh;
  fresh.unix_s = start;
  return &*buckets_.insert(i, std::move(fresh));
}

std::vector<trend_point> trend_buckets::points(int64_t now_unix_ms) const {
  const int64_t width_ms = width_s_ * 1000;
  const int64_t first = floor_div(now_unix_ms - span_s_ * 1000, width_ms) * width_s_;
  const int64_t last = floor_div(now_unix_ms, width_ms) * width_s_;
  std::vector<trend_point> out;
  out.reserve(static_cast<size_t>((last - first) / width_s_ + 1));
  auto b = std::lower_bound(buckets_.begin(), buckets_.end(), first,
                            [](const bucket& x, int64_t s) { return x.unix_s < s; });
  for (int64_t t = first; t <= last; t += width_s_) {
    trend_point p;
    p.unix_s = t;
    if (b != buckets_.end() && b->unix_s == t) {
      p.committed = b->committed;
      p.rolled_back = b->rolled_back;
      p.failed = b->errors;
      p.p50_seconds = histogram_quantile(b->latency, 0.50);
      p.p99_seconds = histogram_quantile(b->latency, 0.99);
      ++b;
    }
    out.push_back(p);
  }
  return out;
}

latency_window trend_buckets::window(int64_t now_unix_ms, int64_t seconds) const {
  latency_window w;
  w.seconds = seconds;
  std::vector<uint64_t> latency(latency_bucket_count, 0);
  uint64_t committed = 0, rolled_back = 0;
  for (const auto& b : buckets_) {
    const int64_t start_ms = b.unix_s * 1000;
    if (start_ms < now_unix_ms - seconds * 1000 || start_ms > now_unix_ms) continue;
    committed += b.committed;
    rolled_back += b.rolled_back;
    w.finished += b.committed + b.rolled_back + b.errors;
    add_buckets(latency, b.latency);
  }
  w.p50_seconds = histogram_quantile(latency, 0.50);
  w.p99_seconds = histogram_quantile(latency, 0.99);
  w.success_rate = success_rate_of(committed, rolled_back, w.finished);
  return w;
}

}  // namespace actortx
