#include "actors/nodes/tcp_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace actortx {

namespace {

/// A socket closed when it goes out of scope.
struct socket_guard {
  int fd;
  ~socket_guard() {
    if (fd >= 0) ::close(fd);
  }
};

/// getaddrinfo's answers, freed when it goes out of scope.
struct address_list {
  addrinfo* head = nullptr;
  ~address_list() {
    if (head) ::freeaddrinfo(head);
  }
};

std::string system_error(int err) {
  return std::strerror(err);
}

using clock = std::chrono::steady_clock;

/// Waits until the connect in progress on `fd` completes or `until` passes (poll restarted
/// after a signal with what is left); `timeout` is the whole limit, for the message.
std::string await_connect(int fd, clock::time_point until, std::chrono::milliseconds timeout) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
    pollfd p{fd, POLLOUT, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "poll: " + system_error(errno);
    if (n == 0)
      return "no TCP connection within " + std::to_string(timeout.count()) +
             " ms (the address does not answer)";
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    return err == 0 ? std::string{} : system_error(err);
  }
}

}  // namespace

std::string probe_tcp(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  const auto until = clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  address_list addrs;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addrs.head))
    return "cannot resolve '" + host + "': " + ::gai_strerror(rc);
  std::string why = "no address for '" + host + "'";
  // Each address in turn (as connect() callers do), within the one time limit.
  for (auto* a = addrs.head; a; a = a->ai_next) {
    socket_guard s{
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol)};
    if (s.fd < 0) {
      why = "socket: " + system_error(errno);
      continue;
    }
    if (::connect(s.fd, a->ai_addr, a->ai_addrlen) == 0) return {};
    if (errno != EINPROGRESS) {
      why = system_error(errno);
      continue;
    }
    why = await_connect(s.fd, until, timeout);
    if (why.empty()) return {};
  }
  return why;
}

}  // namespace actortx
