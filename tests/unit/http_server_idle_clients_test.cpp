// The dashboard's server keeps answering while idle sockets (a browser's preconnects, a port
// scanner) and slow-loris clients hold connections: three idle sockets used to make every
// request wait ~10 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/observability/http_server.hpp"
#include "support/http_get.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

http_routes metrics_only() {
  http_routes r;
  r.metrics_text = [] { return std::string{"x 1\n"}; };
  return r;
}

/// A TCP connection to 127.0.0.1:port that the test holds open, closed by the destructor.
class held_socket {
 public:
  explicit held_socket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~held_socket() { ::close(fd_); }
  held_socket(const held_socket&) = delete;
  held_socket& operator=(const held_socket&) = delete;

  /// Sends `text`; false once the server has closed the connection.
  bool send(const std::string& text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  /// True when the server closed (or reset) the connection within `limit`.
  bool closed_by_server_within(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char buf[256];
    return ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) <= 0;
  }

 private:
  int fd_;
};

/// GET /metrics; how long it took, or fails the test when it does not answer 200.
std::chrono::milliseconds timed_metrics(uint16_t port, std::chrono::milliseconds limit) {
  const auto t0 = clock_type::now();
  auto r = test::http_request("GET", "127.0.0.1", port, "/metrics", limit);
  CHECK(r.status == 200);
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
}

}  // namespace

TEST_CASE("http_server answers within 1 s while idle sockets and a slow-loris client are open",
          "[unit]") {
  http_server server{"127.0.0.1", 0, metrics_only()};
  std::vector<std::unique_ptr<held_socket>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<held_socket>(server.port()));
  held_socket loris{server.port()};
  REQUIRE(loris.send("GET /metr"));  // half a request line, and then nothing
  // Across the request timeout: before the held sockets are cut and after.
  const auto until = clock_type::now() + server.request_timeout + 1500ms;
  int answered = 0;
  while (clock_type::now() < until) {
    auto took = timed_metrics(server.port(), 5s);
    INFO("request " << answered << " took " << took.count() << " ms");
    CHECK(took < 1s);
    ++answered;
    std::this_thread::sleep_for(200ms);
  }
  CHECK(answered >= 5);
}

TEST_CASE("http_server cuts a client that trickles its request byte by byte", "[unit]") {
  http_server server{"127.0.0.1", 0, metrics_only()};
  held_socket loris{server.port()};
  const std::string line = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  const auto t0 = clock_type::now();
  bool cut = false;
  // One byte every 50 ms: never a complete header, never silent for long.
  for (size_t i = 0; !cut && clock_type::now() - t0 < 5s; ++i) {
    if (!loris.send(std::string(1, line[i % line.size()]))) break;
    cut = loris.closed_by_server_within(50ms);
  }
  const auto took = clock_type::now() - t0;
  INFO("cut after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                    << " ms");
  CHECK(took < server.request_timeout + 1500ms);
  CHECK(timed_metrics(server.port(), 5s) < 1s);
}

TEST_CASE("http_server answers once held workers time out, even with every worker held", "[unit]") {
  http_server server{"127.0.0.1", 0, metrics_only()};
  // Twice as many idle sockets as workers: a request queues behind a second round of them.
  std::vector<std::unique_ptr<held_socket>> idle;
  for (int i = 0; i < 2 * http_server::worker_threads; ++i)
    idle.push_back(std::make_unique<held_socket>(server.port()));
  std::this_thread::sleep_for(50ms);  // all accepted and queued before the request
  auto took = timed_metrics(server.port(), 10s);
  INFO("took " << took.count() << " ms");
  CHECK(took < 3 * server.request_timeout + 500ms);
}
