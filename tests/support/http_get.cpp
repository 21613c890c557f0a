#include "support/http_get.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace actortx::test {

namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

int connect_to(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error("http: bad address " + host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard{found, ::freeaddrinfo};
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0) throw std::runtime_error(std::string{"http: socket: "} + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("http: cannot connect to " + host + ":" + service + ": " +
                             std::strerror(err));
  }
  return fd;
}

http_response parse(const std::string& raw) {
  auto end_of_head = raw.find("\r\n\r\n");
  if (end_of_head == std::string::npos) throw std::runtime_error("http: no end of headers");
  http_response r;
  r.body = raw.substr(end_of_head + 4);
  auto status_end = raw.find("\r\n");
  std::string status_line = raw.substr(0, status_end);  // "HTTP/1.1 200 OK"
  auto sp = status_line.find(' ');
  if (sp == std::string::npos) throw std::runtime_error("http: bad status line " + status_line);
  r.status = std::atoi(status_line.c_str() + sp + 1);
  for (size_t at = status_end + 2; at < end_of_head;) {
    auto eol = raw.find("\r\n", at);
    std::string line = raw.substr(at, eol - at);
    auto colon = line.find(':');
    if (colon != std::string::npos)
      r.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    at = eol + 2;
  }
  return r;
}

}  // namespace

http_response http_request(const std::string& method, const std::string& host, uint16_t port,
                           const std::string& path, std::chrono::milliseconds timeout) {
  fd_guard sock{connect_to(host, port, timeout)};
  bool ipv6 = host.find(':') != std::string::npos;
  std::string request = method + " " + path +
                        " HTTP/1.0\r\nHost: " + (ipv6 ? "[" + host + "]" : host) + ":" +
                        std::to_string(port) + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string{"http: send: "} + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("http: " + method + " " + path + ": " +
                               (errno == EAGAIN ? std::string{"timed out"} : std::strerror(errno)));
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  return parse(raw);
}

}  // namespace actortx::test
