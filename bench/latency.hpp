// Exact nearest-rank percentiles of per-transaction latencies.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace bench {

/// The p-quantile (0 < p <= 1) in microseconds; sorts `ns` in place; 0 for no samples.
inline double percentile_us(std::vector<int64_t>& ns, double p) {
  if (ns.empty()) return 0;
  std::sort(ns.begin(), ns.end());
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(ns.size())));
  return static_cast<double>(ns[std::clamp<size_t>(rank, 1, ns.size()) - 1]) / 1000.0;
}

}  // namespace bench
