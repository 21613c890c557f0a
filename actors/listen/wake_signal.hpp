// A one-shot wake-up a poll() can wait on beside a socket: how a stop reaches a listener thread
// that is blocked in poll() at once, instead of at its next timeout. Internal to actors/.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace actortx {

class wake_signal {
 public:
  wake_signal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (fd_ < 0) throw std::runtime_error("eventfd failed");
  }
  ~wake_signal() { ::close(fd_); }
  wake_signal(const wake_signal&) = delete;
  wake_signal& operator=(const wake_signal&) = delete;

  /// Makes fd() readable for good (nobody reads it back): every later poll() returns at once,
  /// which is what a stopping listener wants. Async-signal-safe and thread-safe.
  void raise() noexcept {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
  }
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace actortx
