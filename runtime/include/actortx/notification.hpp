// LISTEN/NOTIFY: what a listener receives, and the handle that keeps it listening.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/meta/type_name.hpp>

namespace actortx {

/// One NOTIFY, as runtime::listen delivers it (to an actor as a message, or to a callback).
struct notification {
  std::string channel;
  std::string payload;
  int32_t sender_pid = 0;  ///< the backend that sent NOTIFY (pg_backend_pid() of the sender)
  uint64_t sequence = 0;   ///< 1, 2, ... per listener, across reconnects

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, notification& x) {
    return f(caf::meta::type_name("actortx::notification"), x.channel, x.payload, x.sender_pid,
             x.sequence);
  }
};

/// The listener's connection was lost: NOTIFYs sent between lost_at and resumed_at were not
/// received (PostgreSQL does not queue them for a listener that is gone). Sent once the
/// listener listens again; a consumer that must not miss anything rereads its source (e.g. an
/// outbox table) after a gap.
struct notification_gap {
  std::string channel;
  int64_t lost_at_ms = 0;     ///< Unix time in ms when the connection was found lost
  int64_t resumed_at_ms = 0;  ///< Unix time in ms when LISTEN was in effect again
  uint32_t reconnects = 0;    ///< connection attempts it took
  std::string reason;         ///< why the connection was lost (no password)

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, notification_gap& x) {
    return f(caf::meta::type_name("actortx::notification_gap"), x.channel, x.lost_at_ms,
             x.resumed_at_ms, x.reconnects, x.reason);
  }
};

/// Keeps a runtime::listen subscription alive: destroying it (or stop()) UNLISTENs and ends
/// the listener's connection. Move-only.
class listen_handle {
 public:
  listen_handle() = default;
  explicit listen_handle(std::function<void()> stop) : stop_(std::move(stop)) {}
  listen_handle(listen_handle&& other) noexcept : stop_(std::move(other.stop_)) {
    other.stop_ = nullptr;
  }
  listen_handle& operator=(listen_handle&& other) noexcept {
    if (this != &other) {
      stop();
      stop_ = std::move(other.stop_);
      other.stop_ = nullptr;
    }
    return *this;
  }
  listen_handle(const listen_handle&) = delete;
  listen_handle& operator=(const listen_handle&) = delete;
  ~listen_handle() { stop(); }

  /// Stops listening (idempotent).
  void stop() {
    if (stop_) {
      auto f = std::move(stop_);
      stop_ = nullptr;
      f();
    }
  }
  bool active() const noexcept { return static_cast<bool>(stop_); }

 private:
  std::function<void()> stop_;
};

}  // namespace actortx
