// What other threads may touch of one libpq connection while its own thread blocks in a query:
// its cancel key (PQcancel is thread-safe) and its socket (shut down to cut a frozen server).
// Internal to actors/.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace actortx {

class pg_link {
 public:
  /// On the connection's thread, right after it connected.
  explicit pg_link(PGconn* conn);
  ~pg_link();
  pg_link(const pg_link&) = delete;
  pg_link& operator=(const pg_link&) = delete;

  /// Asks the server to cancel the running statement. Blocks while it connects to the server:
  /// never call it on a CAF scheduler thread. False (and `why`) if the request failed.
  bool cancel(std::string& why) const;

  /// Shuts the socket down, so that a libpq call blocked on a frozen or unreachable server
  /// returns at once (as a lost connection). Non-blocking; the connection is lost after it.
  void cut() noexcept;

  /// The connection is about to close (its fd may be reused): cut() does nothing from now on.
  void retire() noexcept;

  int32_t backend_pid() const noexcept { return pid_; }

 private:
  PGcancel* cancel_ = nullptr;
  int32_t pid_ = 0;
  mutable std::mutex mtx_;  // fd_ against retire()
  int fd_ = -1;
};

}  // namespace actortx
