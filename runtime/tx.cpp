#include "runtime/tx.hpp"

#include "runtime/clock.hpp"

namespace actortx {

std::chrono::milliseconds tx::remaining() const noexcept {
  auto left = req_.deadline_ns - steady_now_ns();
  return std::chrono::milliseconds{left > 0 ? left / 1000000 : 0};
}

}  // namespace actortx
