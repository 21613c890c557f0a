#include "runtime/observability/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace actortx {

double histogram_quantile(const std::vector<uint64_t>& buckets, double q) {
  uint64_t total = 0;
  for (auto n : buckets) total += n;
  if (total == 0 || std::isnan(q)) return 0;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  const size_t finite = std::min(buckets.size(), latency_bucket_bounds.size());
  uint64_t below = 0;  // observations in the buckets before i
  for (size_t i = 0; i < buckets.size(); ++i) {
    const uint64_t count = buckets[i];
    // Empty buckets are skipped so that q = 0 answers the lower bound of the first
    // observation's bucket instead of dividing 0 by 0.
    if (count == 0 || static_cast<double>(below + count) < rank) {
      below += count;
      continue;
    }
    if (i >= finite) break;  // the +Inf bucket: nothing to interpolate towards
    const double lower = i == 0 ? 0.0 : latency_bucket_bounds[i - 1];
    const double upper = latency_bucket_bounds[i];
    return lower +
           (upper - lower) * ((rank - static_cast<double>(below)) / static_cast<double>(count));
  }
  return finite == 0 ? 0 : latency_bucket_bounds[finite - 1];
}

size_t latency_bucket_index(double seconds) {
  auto i = std::lower_bound(latency_bucket_bounds.begin(), latency_bucket_bounds.end(), seconds);
  return static_cast<size_t>(i - latency_bucket_bounds.begin());
}

void add_buckets(std::vector<uint64_t>& into, const std::vector<uint64_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (size_t i = 0; i < from.size(); ++i) into[i] += from[i];
}

}  // namespace actortx
