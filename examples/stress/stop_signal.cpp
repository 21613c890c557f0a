#include "stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace stress {

namespace {

// Lock-free atomics are async-signal-safe; the handler does nothing else.
std::atomic<int> received{0};
std::atomic<bool> stop{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int sig) {
  received.store(sig);
  stop.store(true);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C kills at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() noexcept {
  return stop.load(std::memory_order_relaxed);
}

void request_stop() noexcept {
  stop.store(true);
}

int stop_signal() noexcept {
  return received.load();
}

}  // namespace stress
