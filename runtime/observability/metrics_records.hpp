// Builds the metrics records from what the supervisor answers. Pure, unit-tested.
#pragma once

#include <cstdint>

#include <actortx/metrics.hpp>

namespace actortx {

/// Microseconds since the epoch (records carry wall-clock times; deadlines do not).
int64_t unix_now_us() noexcept;

/// The record of a finished transaction. `end_unix_us` is when the outcome was sent;
/// savepoints and rows are those of the committed attempt (0 otherwise).
tx_record make_tx_record(const tx_outcome& out, const tx_options& opts, uint32_t savepoints,
                         uint64_t rows, int64_t end_unix_us);

/// The record of a saga that reached a final state.
saga_record make_saga_record(const saga_outcome& out, int64_t end_unix_us);

}  // namespace actortx
