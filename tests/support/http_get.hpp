// A tiny blocking HTTP/1.0 client for tests (no curl in C++): one request per connection,
// the whole response read until the server closes.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace actortx::test {

struct http_response {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// Sends `method` `path` to host:port (a numeric IPv4 or IPv6 address) and returns the
/// response. Throws std::runtime_error when it cannot connect, times out or cannot parse it.
http_response http_request(const std::string& method, const std::string& host, uint16_t port,
                           const std::string& path,
                           std::chrono::milliseconds timeout = std::chrono::seconds(15));

inline http_response http_get(uint16_t port, const std::string& path) {
  return http_request("GET", "127.0.0.1", port, path);
}

}  // namespace actortx::test
