// What a deadline or a shutdown answers, worded once for the supervisor and the blocking lane.
// Internal to actors/.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace actortx {

/// TIMEOUT: the deadline stopped the transaction before COMMIT.
inline std::string deadline_reached_text(std::chrono::milliseconds timeout, uint32_t attempts) {
  return "deadline of " + std::to_string(timeout.count()) + " ms reached after " +
         std::to_string(attempts) + " attempt(s); not committed";
}

/// IN_DOUBT: COMMIT was in flight at the deadline and its reply did not come within the grace.
inline std::string commit_unanswered_text(std::chrono::milliseconds timeout,
                                          std::chrono::milliseconds grace) {
  return "the deadline of " + std::to_string(timeout.count()) +
         " ms passed while COMMIT was in flight, and no reply came within " +
         std::to_string(grace.count()) +
         " ms more: it may have committed; retry only with an idempotency key";
}

inline constexpr const char* shutdown_not_committed_text =
    "the runtime is shutting down; not committed";
inline constexpr const char* shutdown_in_doubt_text =
    "the runtime shut down while COMMIT was in flight: it may have committed";

}  // namespace actortx
