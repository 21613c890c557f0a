// Connect, LISTEN and wait with poll() on the socket and the wake-up, so that a stop ends any
// of them at once; libpq's asynchronous calls only (PQconnectPoll, PQsendQuery,
// PQconsumeInput, PQnotifies).
#include "actors/listen/listen_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <actortx/log.hpp>

#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

using clock_type = std::chrono::steady_clock;
using open_state = listen_open_result::state;

enum class io_wait { ready, woken, timed_out, failed };

/// Waits until `socket` has `events`, `wake` is raised or `deadline` (if any) passes.
io_wait wait_io(int socket, short events, const wake_signal& wake,
                std::optional<clock_type::time_point> deadline) {
  if (socket < 0) return io_wait::failed;
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - clock_type::now());
      if (left.count() <= 0) return io_wait::timed_out;
      timeout_ms = static_cast<int>(left.count());
    }
    pollfd fds[2] = {{wake.fd(), POLLIN, 0}, {socket, events, 0}};
    int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_wait::failed;
    if (fds[0].revents != 0) return io_wait::woken;
    if (fds[1].revents != 0) return io_wait::ready;  // also POLLHUP/POLLERR: libpq tells why
  }
}

listen_open_result failed(std::string why) {
  return {open_state::failed, first_line(why)};
}

}  // namespace

listen_open_result listen_connection::open(const std::string& dsn, const std::string& channel,
                                           clock_type::time_point deadline,
                                           const wake_signal& wake) {
  close();
  fatal_.clear();
  auto connected = connect(dsn, deadline, wake);
  if (connected.outcome != open_state::listening) {
    close();
    return connected;
  }
  auto listening = send_listen(channel, deadline, wake);
  if (listening.outcome != open_state::listening) close();
  return listening;
}

listen_open_result listen_connection::connect(const std::string& dsn,
                                              clock_type::time_point deadline,
                                              const wake_signal& wake) {
  conn_ = PQconnectStart(dsn.c_str());
  if (conn_ == nullptr) return failed("out of memory");
  if (PQstatus(conn_) == CONNECTION_BAD) return failed(PQerrorMessage(conn_));
  auto polling = PGRES_POLLING_WRITING;
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED) return failed(PQerrorMessage(conn_));
    // The socket may change between calls (libpq tries the next host or address).
    short events = polling == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    switch (wait_io(PQsocket(conn_), events, wake, deadline)) {
      case io_wait::woken:
        return {open_state::stopped, {}};
      case io_wait::timed_out:
        return failed("timeout expired while connecting");
      case io_wait::failed:
        return failed("cannot wait on the connection's socket");
      case io_wait::ready:
        break;
    }
    polling = PQconnectPoll(conn_);
  }
  PQsetNoticeReceiver(conn_, &listen_connection::on_notice, this);
  return {open_state::listening, {}};
}

listen_open_result listen_connection::send_listen(const std::string& channel,
                                                  clock_type::time_point deadline,
                                                  const wake_signal& wake) {
  char* quoted = PQescapeIdentifier(conn_, channel.data(), channel.size());
  if (quoted == nullptr) return failed(PQerrorMessage(conn_));
  const std::string sql = std::string{"LISTEN "} + quoted;
  PQfreemem(quoted);
  // A fresh connection's send buffer is empty: sending these few bytes does not block.
  if (PQsendQuery(conn_, sql.c_str()) == 0) return failed(PQerrorMessage(conn_));
  std::string error;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      switch (wait_io(PQsocket(conn_), POLLIN, wake, deadline)) {
        case io_wait::woken:
          return {open_state::stopped, {}};
        case io_wait::timed_out:
          return failed("timeout expired while sending LISTEN");
        case io_wait::failed:
          return failed("cannot wait on the connection's socket");
        case io_wait::ready:
          break;
      }
      if (PQconsumeInput(conn_) == 0) return failed(lost_reason());
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    if (PQresultStatus(result) != PGRES_COMMAND_OK && error.empty())
      error = PQresultErrorMessage(result);
    PQclear(result);
  }
  if (!error.empty()) return failed(error);
  return {open_state::listening, {}};
}

std::optional<std::string> listen_connection::serve(
    const wake_signal& wake, const std::function<void(const PGnotify&)>& deliver) {
  for (;;) {
    // Also those that came in with LISTEN's own answer.
    while (PGnotify* n = PQnotifies(conn_)) {
      try {
        deliver(*n);
      } catch (...) {
        PQfreemem(n);
        throw;
      }
      PQfreemem(n);
    }
    switch (wait_io(PQsocket(conn_), POLLIN, wake, std::nullopt)) {
      case io_wait::woken:
        return std::nullopt;
      case io_wait::timed_out:
        break;  // no deadline: does not happen
      case io_wait::failed:
        return lost_reason();
      case io_wait::ready:
        break;
    }
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) == CONNECTION_BAD) return lost_reason();
  }
}

void listen_connection::close() noexcept {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

std::string listen_connection::lost_reason() const {
  if (!fatal_.empty()) return fatal_;
  if (conn_ == nullptr) return "no connection";
  auto why = first_line(PQerrorMessage(conn_));
  return why.empty() ? "connection lost" : why;
}

void listen_connection::on_notice(void* self, const PGresult* notice) {
  auto* me = static_cast<listen_connection*>(self);
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* text = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  // libpq turns an error that comes outside a query into a notice: the server saying why it is
  // about to close the connection ("terminating connection due to administrator command").
  if (severity != nullptr &&
      (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
    me->fatal_ = first_line(text);
    return;
  }
  log(log_component::listen).debug("listener notice: {}", first_line(text));
}

}  // namespace actortx
