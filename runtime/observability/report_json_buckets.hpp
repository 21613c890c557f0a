// Histogram buckets in a report's JSON: [{"le": bound, "count": n}, ..., {"le": "+Inf", ...}].
// The bounds are written with the counts so that a reader sees which values they are, and
// checked on reading: a document written with other bounds is rejected instead of having its
// counts filed under the wrong latencies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/observability/json_field.hpp"

namespace actortx {

/// The finite bounds of one kind of histogram (latency_bucket_bounds,
/// lease_wait_bucket_bounds); the +Inf bucket follows them.
struct bucket_bounds {
  const double* bounds;
  size_t count;

  template <size_t N>
  bucket_bounds(const std::array<double, N>& a) : bounds(a.data()), count(N) {}  // NOLINT
};

report_json buckets_json(const std::vector<uint64_t>& buckets, bucket_bounds bounds);
/// Throws json_field_error when the count of buckets or a bound differs from `bounds`.
void read_buckets(const report_json& j, std::vector<uint64_t>& out, bucket_bounds bounds);

}  // namespace actortx
