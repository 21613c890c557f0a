// One steady clock for deadlines, as nanoseconds so they fit in plain messages.
#pragma once

#include <chrono>
#include <cstdint>

namespace actortx {

inline int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline int64_t to_ns(std::chrono::nanoseconds d) noexcept {
  return d.count();
}

}  // namespace actortx
