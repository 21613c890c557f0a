#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace stress {

namespace {

constexpr int exact_bits = 9;  // values below 512 us have a bucket each
constexpr int sub_bits = 6;    // 64 buckets per power of two above
constexpr int top_bit = 30;    // 2^30 us (~18 min): the last power of two kept
constexpr size_t exact = size_t{1} << exact_bits;
constexpr size_t per_power = size_t{1} << sub_bits;
constexpr size_t buckets = exact + (top_bit - exact_bits + 1) * per_power;

int highest_bit(uint64_t v) noexcept {
  int b = 0;
  while (v >>= 1) ++b;
  return b;
}

}  // namespace

size_t latency_histogram::bucket_of(int64_t us) noexcept {
  if (us < 0) us = 0;
  const auto v = static_cast<uint64_t>(us);
  if (v < exact) return static_cast<size_t>(v);
  const int hb = std::min(highest_bit(v), top_bit);
  const uint64_t capped =
      hb == top_bit && highest_bit(v) > top_bit ? (uint64_t{2} << top_bit) - 1 : v;
  const auto sub = static_cast<size_t>((capped >> (hb - sub_bits)) & (per_power - 1));
  return exact + static_cast<size_t>(hb - exact_bits) * per_power + sub;
}

int64_t latency_histogram::value_of(size_t bucket) noexcept {
  if (bucket < exact) return static_cast<int64_t>(bucket);
  const size_t i = bucket - exact;
  const int hb = static_cast<int>(i / per_power) + exact_bits;
  const auto sub = static_cast<int64_t>(i % per_power);
  return (int64_t{1} << hb) + (sub << (hb - sub_bits));
}

void latency_histogram::add(int64_t us) {
  if (counts_.empty()) counts_.assign(buckets, 0);
  ++counts_[bucket_of(us)];
  ++count_;
  max_ = std::max(max_, us);
  sum_ += static_cast<double>(std::max<int64_t>(us, 0));
}

void latency_histogram::merge(const latency_histogram& other) {
  if (other.count_ == 0) return;
  if (counts_.empty()) counts_.assign(buckets, 0);
  for (size_t i = 0; i < buckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

int64_t latency_histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(count_)));
  rank = std::clamp<size_t>(rank, 1, count_);
  size_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(value_of(i), max_);
  }
  return max_;
}

latency_summary summarize(const latency_histogram& h) {
  latency_summary out;
  out.count = h.count();
  if (out.count == 0) return out;
  using us = std::chrono::microseconds;
  out.p50 = us{h.percentile(0.50)};
  out.p95 = us{h.percentile(0.95)};
  out.p99 = us{h.percentile(0.99)};
  out.max = us{h.max()};
  out.mean = us{static_cast<int64_t>(h.sum() / static_cast<double>(out.count))};
  return out;
}

}  // namespace stress
