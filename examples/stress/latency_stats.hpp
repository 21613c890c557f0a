// Latency percentiles in bounded memory: a log-linear histogram (exact below 512 us, then 64
// buckets per power of two: within 1.6 %), whatever the run's length. Max and mean are exact.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace stress {

struct latency_summary {
  size_t count = 0;
  std::chrono::microseconds p50{0}, p95{0}, p99{0}, max{0}, mean{0};
};

class latency_histogram {
 public:
  /// One sample in microseconds (negative counts as 0; beyond ~18 minutes as the last bucket).
  void add(int64_t us);
  void merge(const latency_histogram& other);

  size_t count() const noexcept { return count_; }
  /// Nearest-rank percentile (0 < p <= 1): the value of the bucket holding that rank.
  int64_t percentile(double p) const;
  int64_t max() const noexcept { return max_; }
  double sum() const noexcept { return sum_; }

  /// The bucket of `us`, and the smallest value of a bucket (for tests).
  static size_t bucket_of(int64_t us) noexcept;
  static int64_t value_of(size_t bucket) noexcept;

 private:
  std::vector<uint32_t> counts_;  ///< allocated at the first sample
  size_t count_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

/// Nearest-rank percentiles; all zero for no samples.
latency_summary summarize(const latency_histogram& h);

}  // namespace stress
