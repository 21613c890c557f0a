// The listener's libpq connection: connect and LISTEN without blocking past a wake-up, then wait
// for notifications on the socket. Internal to actors/.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "actors/listen/wake_signal.hpp"

namespace actortx {

/// How listen_connection::open ended.
struct listen_open_result {
  enum class state { listening, failed, stopped };
  state outcome = state::failed;
  std::string reason;  ///< why it failed: the first line of libpq's or the server's message
};

/// One libpq connection (not libpqxx: its blocking connect could not be interrupted by a stop).
/// Not copyable or movable: libpq holds its address for notices.
class listen_connection {
 public:
  listen_connection() = default;
  ~listen_connection() { close(); }
  listen_connection(const listen_connection&) = delete;
  listen_connection& operator=(const listen_connection&) = delete;

  /// Closes any previous connection, connects to `dsn` and LISTENs on `channel` (quoted as an
  /// identifier). Gives up at `deadline` (failed) or when `wake` is raised (stopped).
  listen_open_result open(const std::string& dsn, const std::string& channel,
                          std::chrono::steady_clock::time_point deadline, const wake_signal& wake);

  /// Hands every notification to `deliver`, in order, until `wake` is raised (nullopt) or the
  /// connection is lost (why: the server's FATAL message when it sent one, else libpq's).
  std::optional<std::string> serve(const wake_signal& wake,
                                   const std::function<void(const PGnotify&)>& deliver);

  /// Ends the session (which ends its LISTEN). Idempotent.
  void close() noexcept;

 private:
  listen_open_result connect(const std::string& dsn, std::chrono::steady_clock::time_point deadline,
                             const wake_signal& wake);
  listen_open_result send_listen(const std::string& channel,
                                 std::chrono::steady_clock::time_point deadline,
                                 const wake_signal& wake);
  std::string lost_reason() const;
  static void on_notice(void* self, const PGresult* notice);

  PGconn* conn_ = nullptr;
  std::string fatal_;  // a FATAL the server sent before it closed the connection
};

}  // namespace actortx
