// A GET with extra request headers (e.g. Authorization) for the endpoint tests; header-only,
// beside http_get.hpp, whose requests carry no headers of the caller's.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace actortx::test {

/// Sends "GET `path`" with `headers` ("Name: value\r\n" each) to 127.0.0.1:`port` and returns
/// the status code and the raw body (the server closes the connection after it).
struct raw_reply {
  int status = 0;
  std::string head;  ///< the status line and headers, as sent
  std::string body;
};

inline raw_reply http_get_with_headers(uint16_t port, const std::string& path,
                                       const std::string& headers) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  timeval tv{15, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  const std::string request =
      "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string raw;
  char buf[8192];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) throw std::runtime_error("no HTTP response from " + path);
  raw_reply r;
  r.head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  r.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
  return r;
}

}  // namespace actortx::test
