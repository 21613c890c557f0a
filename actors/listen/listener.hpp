// One LISTEN subscription: a connection and a thread of its own that deliver each NOTIFY, and
// reconnect (then report the gap) when the connection is lost. Internal to actors/.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "actors/listen/listen_connection.hpp"
#include "actors/listen/listen_settings.hpp"
#include "actors/listen/wake_signal.hpp"

namespace actortx {

class listener : public std::enable_shared_from_this<listener> {
 public:
  /// Connects and LISTENs on the caller's thread (so that a failure reaches the caller: a
  /// std::runtime_error with the first line of the reason, no password), then serves on a
  /// thread of its own until stop().
  static std::shared_ptr<listener> start(listener_settings settings, listen_sink sink);

  /// Ends the thread (promptly: it waits on a wake-up beside the socket) and the connection,
  /// and waits for both, unless called from the listener's own thread (a callback), which
  /// ends right after that callback. Idempotent, thread-safe.
  void stop() noexcept;

  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

 private:
  listener(listener_settings settings, listen_sink sink);
  void run();
  /// Reconnects with backoff until LISTEN works again (true, `gap` filled in) or stop (false).
  bool reconnect(notification_gap& gap);
  void deliver(const PGnotify& n);
  void deliver(const notification_gap& gap);

  const listener_settings settings_;
  listen_sink sink_;  // released by the thread when it ends: it may hold an actor handle
  listen_connection conn_;
  wake_signal wake_;
  uint64_t sequence_ = 0;  // only the listener's thread touches it
  std::mutex finished_mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;  // run() is over: the connection is closed, the sink released
  std::thread thread_;
};

}  // namespace actortx
