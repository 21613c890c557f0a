// The latency histogram's arithmetic: which bucket a duration falls into, quantiles the way
// Prometheus' histogram_quantile estimates them, and adding histograms up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

/// Estimates the q-quantile (0..1) from non-cumulative bucket counts over
/// latency_bucket_bounds (+Inf last), interpolating linearly inside a bucket as Prometheus'
/// histogram_quantile does; the +Inf bucket answers the last finite bound. 0 when empty.
double histogram_quantile(const std::vector<uint64_t>& buckets, double q);

/// Index of the bucket that `seconds` falls into (le semantics: value <= bound).
size_t latency_bucket_index(double seconds);

/// Adds `from` into `into` bucket by bucket (`into` grows to `from`'s size if shorter).
void add_buckets(std::vector<uint64_t>& into, const std::vector<uint64_t>& from);

}  // namespace actortx
