// Counting finished transactions into a tx_aggregate and deriving the figures that are
// computed rather than counted (started, percentiles, the success rate).
#pragma once

#include <cstddef>
#include <cstdint>

#include <actortx/metrics.hpp>

namespace actortx {

/// The outcome a record is counted under: its state, except that a record still saying
/// RUNNING (sent with an answer, so it did not commit) counts as FAILED.
tx_state counted_outcome(tx_state s) noexcept;

/// True for FAILED, TIMEOUT and IN_DOUBT: the outcomes that are errors.
bool is_error_outcome(tx_state s) noexcept;

/// (committed + rolled_back) / finished: the transactions that ended as their body decided;
/// 1 when nothing finished.
double success_rate_of(uint64_t committed, uint64_t rolled_back, uint64_t finished) noexcept;

/// Counts `r` (whose latency falls into `latency_bucket`) into `a`.
void count_record(tx_aggregate& a, const tx_record& r, size_t latency_bucket);

/// `a` with its derived figures filled in: active, started = finished + active, the
/// percentiles and the success rate.
tx_aggregate with_derived_figures(tx_aggregate a, int64_t active);

}  // namespace actortx
