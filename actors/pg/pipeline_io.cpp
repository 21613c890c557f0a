// libpq pipeline mode on a connection that libpqxx owns.
#include "actors/pg/pipeline_io.hpp"

#include <poll.h>

#include <cerrno>

#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// Poll in slices, so that a missed wake-up costs a slice at most; the deadline itself is the
/// supervisor's (it cuts the socket, which wakes the poll at once).
constexpr int poll_slice_ms = 1000;

}  // namespace

pg_pipeline::~pg_pipeline() {
  if (entered_) leave();
}

bool pg_pipeline::fail() {
  error_ = first_line(PQerrorMessage(conn_));
  if (error_.empty()) error_ = "libpq refused a pipeline call";
  return false;
}

bool pg_pipeline::enter() {
  if (conn_ == nullptr) {
    error_ = "no connection";
    return false;
  }
  if (PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    error_ = PQstatus(conn_) != CONNECTION_OK ? first_line(PQerrorMessage(conn_))
                                              : "the connection is not idle";
    if (error_.empty()) error_ = "connection not open";
    return false;
  }
  if (PQenterPipelineMode(conn_) != 1) return fail();
  entered_ = true;
  if (PQsetnonblocking(conn_, 1) != 0) return fail();
  return true;
}

bool pg_pipeline::prepare(const std::string& name, const std::string& sql) {
  // No parameter types: the server infers them, exactly as for an unnamed statement.
  return PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 1 || fail();
}

bool pg_pipeline::exec_prepared(const std::string& name, const std::vector<const char*>& params) {
  return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()), params.data(),
                             nullptr, nullptr, 0) == 1 ||
         fail();
}

bool pg_pipeline::exec(const std::string& sql, const std::vector<const char*>& params) {
  return PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                           params.data(), nullptr, nullptr, 0) == 1 ||
         fail();
}

bool pg_pipeline::sync() {
  if (PQpipelineSync(conn_) != 1) return fail();
  flushing_ = true;  // non-blocking: the sync may have written only part of the queue
  return true;
}

bool pg_pipeline::wait_socket() {
  pollfd p{PQsocket(conn_), static_cast<short>(POLLIN | (flushing_ ? POLLOUT : 0)), 0};
  if (p.fd < 0) return false;
  for (;;) {
    int n = ::poll(&p, 1, poll_slice_ms);
    if (n >= 0) return true;  // readable, writable, hung up or a slice passed: libpq decides
    if (errno != EINTR) return false;
  }
}

pq_result pg_pipeline::next() {
  for (;;) {
    // Once libpq has dropped the socket, PQgetResult no longer waits: it returns what it had
    // parsed (e.g. the server's FATAL error), then its own error, then null.
    if (PQstatus(conn_) == CONNECTION_BAD) {
      if (!lost_) {
        lost_ = true;
        fail();
      }
      return pq_result{PQgetResult(conn_)};
    }
    if (lost_) return nullptr;  // failed without libpq noticing: do not wait on it again
    if (flushing_) {
      int f = PQflush(conn_);
      if (f < 0) {
        lost_ = true;
        fail();
        continue;
      }
      flushing_ = f == 1;
    }
    // Reading while writing: the server may block on its own full send buffer until we read.
    if (!PQisBusy(conn_)) return pq_result{PQgetResult(conn_)};
    if (!wait_socket() || PQconsumeInput(conn_) == 0) {
      if (PQstatus(conn_) != CONNECTION_BAD) {
        lost_ = true;
        fail();
      }
    }
  }
}

bool pg_pipeline::leave() {
  if (!entered_) return !lost_;
  entered_ = false;
  bool ok = !lost_ && PQstatus(conn_) == CONNECTION_OK;
  if (ok && PQexitPipelineMode(conn_) != 1) ok = fail();
  // Blocking again in any case: libpqxx's next call (a ping, if this one is distrusted) must
  // not find a non-blocking socket.
  if (PQsetnonblocking(conn_, 0) != 0) ok = false;
  return ok;
}

}  // namespace actortx
