#include "cancel_timer.hpp"

#include <chrono>
#include <stdexcept>

namespace bench {

cancel_timer::cancel_timer(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    throw std::runtime_error("cancel timer: cannot connect: " + why);
  }
  cancel_ = PQgetCancel(conn_);
}

cancel_timer::~cancel_timer() {
  if (cancel_) PQfreeCancel(cancel_);
  PQfinish(conn_);
}

int64_t cancel_timer::time_one() {
  char buf[256] = {0};
  const auto t0 = std::chrono::steady_clock::now();
  const bool ok = cancel_ && PQcancel(cancel_, buf, sizeof buf) == 1;
  const auto t1 = std::chrono::steady_clock::now();
  return ok ? std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count() : -1;
}

}  // namespace bench
