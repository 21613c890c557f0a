#include "stop_signal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

namespace stress {

namespace {

// Lock-free atomics and write() are async-signal-safe; the handler does nothing else.
std::atomic<int> received{0};
std::atomic<bool> stop{false};
int wake_fd = -1;  // the write end of the watchdog's pipe
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int sig) {
  const int saved = errno;
  received.store(sig);
  stop.store(true);
  const char byte = 1;
  if (wake_fd >= 0) [[maybe_unused]]
    auto n = ::write(wake_fd, &byte, 1);
  errno = saved;
}

/// Waits for a signal, then gives the program stop_grace to end by itself.
void watchdog(int fd) {
  char byte;
  while (::read(fd, &byte, 1) < 0 && errno == EINTR) {
  }
  std::this_thread::sleep_for(stop_grace);
  const int sig = received.load();
  const char* name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
  char msg[256];
  const int n = std::snprintf(msg, sizeof msg,
                              "\nactortx-stress: stopped by %s: the run did not end within %d ms, "
                              "exiting without its checks (schemas or databases it created on "
                              "a given server may remain)\n",
                              name, static_cast<int>(stop_grace.count()));
  if (n > 0) [[maybe_unused]]
    auto w = ::write(2, msg, static_cast<size_t>(n));
  ::_exit(128 + (sig != 0 ? sig : SIGINT));
}

}  // namespace

void install_stop_handlers() {
  int fds[2];
  if (wake_fd < 0 && ::pipe2(fds, O_CLOEXEC) == 0) {
    wake_fd = fds[1];
    std::thread{watchdog, fds[0]}.detach();
  }
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

bool sleep_unless_stopped(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(20)));
  }
  return false;
}

}  // namespace stress
