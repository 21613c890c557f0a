#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace stress {

namespace {

/// Nearest-rank percentile of sorted samples: the smallest value with at least p of the
/// samples at or below it.
int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

latency_summary summarize(std::vector<int64_t>& samples_us) {
  latency_summary out;
  out.count = samples_us.size();
  if (samples_us.empty()) return out;
  std::sort(samples_us.begin(), samples_us.end());
  using us = std::chrono::microseconds;
  out.p50 = us{percentile(samples_us, 0.50)};
  out.p95 = us{percentile(samples_us, 0.95)};
  out.p99 = us{percentile(samples_us, 0.99)};
  out.max = us{samples_us.back()};
  auto total = std::accumulate(samples_us.begin(), samples_us.end(), 0.0);
  out.mean = us{static_cast<int64_t>(total / static_cast<double>(samples_us.size()))};
  return out;
}

}  // namespace stress
