// Times a cancel request (PQcancel: a new connection to the server, which forks a process for
// it) against an idle backend of its own: what the runtime's canceller pays per deadline.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>

namespace bench {

class cancel_timer {
 public:
  /// Connects (the DSN should carry a connect_timeout); throws std::runtime_error if it cannot.
  explicit cancel_timer(const std::string& dsn);
  ~cancel_timer();
  cancel_timer(const cancel_timer&) = delete;
  cancel_timer& operator=(const cancel_timer&) = delete;

  /// Nanoseconds one PQcancel took; an idle backend ignores the request. -1 if it failed.
  int64_t time_one();

 private:
  PGconn* conn_ = nullptr;
  PGcancel* cancel_ = nullptr;
};

}  // namespace bench
