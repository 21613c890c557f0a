// Wall time since a point, for tests that bound how long something took, and waiting for a
// condition with a bound.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace actortx::test {

using clock_type = std::chrono::steady_clock;

/// Milliseconds from `t0` to now.
inline long ms_since(clock_type::time_point t0) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count());
}

/// Polls `condition` every 5 ms until it holds or `limit` passed; true if it held.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto until = clock_type::now() + limit;
  while (!condition()) {
    if (clock_type::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace actortx::test
