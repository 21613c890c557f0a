// Exact latency percentiles from all samples (a run has at most a few million).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace stress {

struct latency_summary {
  size_t count = 0;
  std::chrono::microseconds p50{0}, p95{0}, p99{0}, max{0}, mean{0};
};

/// Sorts `samples_us` and reads nearest-rank percentiles; all zero for no samples.
latency_summary summarize(std::vector<int64_t>& samples_us);

}  // namespace stress
