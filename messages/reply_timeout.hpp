// How long a requester waits for a transaction's answer: its deadline plus a grace.
#pragma once

#include <algorithm>
#include <chrono>

#include <caf/timespan.hpp>

#include <actortx/tx_options.hpp>

namespace actortx {

/// The grace a requester adds to a transaction's deadline before it gives up on the answer. The
/// supervisor answers by the deadline (plus at most the commit grace) itself, so this only
/// guards against a supervisor, connection or peer that is gone. One value for every waiter:
/// the façade, saga actors, saga recovery and the supervisor waiting for an attempt.
constexpr std::chrono::seconds reply_grace{5};

/// opts.timeout (clamped to 0 .. max_tx_timeout, so an absurd value the supervisor will refuse
/// cannot overflow the clock here) plus `grace`.
inline caf::timespan reply_timeout(const tx_options& opts, caf::timespan grace = reply_grace) {
  const auto deadline =
      std::clamp(opts.timeout, std::chrono::milliseconds{0},
                 std::chrono::duration_cast<std::chrono::milliseconds>(max_tx_timeout));
  return std::chrono::duration_cast<caf::timespan>(deadline) + grace;
}

}  // namespace actortx
