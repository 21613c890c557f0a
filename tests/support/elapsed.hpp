// Wall time since a point, for tests that bound how long something took.
#pragma once

#include <chrono>

namespace actortx::test {

using clock_type = std::chrono::steady_clock;

/// Milliseconds from `t0` to now.
inline long ms_since(clock_type::time_point t0) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count());
}

}  // namespace actortx::test
