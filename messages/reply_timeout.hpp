// How long a requester waits for a transaction's answer: its deadline plus a grace.
#pragma once

#include <algorithm>
#include <chrono>

#include <caf/timespan.hpp>

#include "messages/tx_options.hpp"

namespace actortx {

/// opts.timeout (clamped to 0 .. max_tx_timeout, so an absurd value the supervisor will refuse
/// cannot overflow the clock here) plus `grace`.
inline caf::timespan reply_timeout(const tx_options& opts, caf::timespan grace) {
  const auto deadline =
      std::clamp(opts.timeout, std::chrono::milliseconds{0},
                 std::chrono::duration_cast<std::chrono::milliseconds>(max_tx_timeout));
  return std::chrono::duration_cast<caf::timespan>(deadline) + grace;
}

}  // namespace actortx
