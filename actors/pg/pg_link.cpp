#include "actors/pg/pg_link.hpp"

#include <sys/socket.h>

namespace actortx {

pg_link::pg_link(PGconn* conn)
    : cancel_(conn ? PQgetCancel(conn) : nullptr),
      pid_(conn ? PQbackendPID(conn) : 0),
      fd_(conn ? PQsocket(conn) : -1) {}

pg_link::~pg_link() {
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
}

bool pg_link::cancel(std::string& why) const {
  if (cancel_ == nullptr) {
    why = "no cancel key";
    return false;
  }
  char buf[256] = {0};
  if (PQcancel(cancel_, buf, sizeof buf) == 1) return true;
  why = buf;
  return false;
}

void pg_link::cut() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void pg_link::retire() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  fd_ = -1;
}

}  // namespace actortx
