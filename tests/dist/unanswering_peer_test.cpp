// A peer that does not answer holds up no call to another peer: one whose address never
// completes a TCP connect (a listener whose full backlog drops SYNs), and one that accepts
// and then says nothing. Each is answered node_unreachable, named, within the node connect
// timeout, while a working peer answers at once. Loopback addresses only.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

int loopback_socket() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  return fd;
}

sockaddr_in loopback_address(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/// A listener on 127.0.0.1 that never accepts. With `backlog_full`, its backlog (0: one
/// connection) is filled at once, so the kernel drops every further SYN: a connect to it
/// neither completes nor fails, like an address whose packets vanish. Without, connects
/// complete in the kernel and then nothing is ever said.
class silent_listener {
 public:
  explicit silent_listener(bool backlog_full) : fd_(loopback_socket()) {
    auto a = loopback_address(0);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, backlog_full ? 0 : 16) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    if (backlog_full) {
      filler_ = loopback_socket();
      auto to = loopback_address(port_);
      REQUIRE(::connect(filler_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    }
  }
  ~silent_listener() {
    if (filler_ >= 0) ::close(filler_);
    ::close(fd_);
  }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;

  uint16_t port() const noexcept { return port_; }

 private:
  int fd_;
  int filler_ = -1;
  uint16_t port_ = 0;
};

std::chrono::milliseconds since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
}

/// While a call to `silent` is being tried, a call to the working peer "b" answers within
/// 1 s; the call to `silent` is node_unreachable, naming `cause`, within the connect timeout.
void check_silent_peer_holds_nothing(bool backlog_full, const std::string& cause) {
  test::test_database db;
  test::create_bank(db.dsn(), 1, 100);
  test::dist_node b{{db.dsn(), "b", nullptr}};
  silent_listener silent{backlog_full};
  auto cfg = test::client_config(db, {{"b", b.port()}, {"silent", silent.port()}}, nullptr);
  cfg.node.connect_timeout = 3s;
  runtime rt{cfg};
  const auto ping = procedure_call::make("ping", 1);

  const auto t0 = clock_type::now();
  auto silent_call = std::async(std::launch::async,
                                [&] { return rt.call_on("silent", rt.default_options(), ping); });
  std::this_thread::sleep_for(300ms);  // the attempt on "silent" is under way
  const auto t1 = clock_type::now();
  auto working = rt.call_on("b", rt.default_options(), ping);
  const auto working_took = since(t1);
  INFO(describe(working) << "\nnode log:\n" << b.log());
  CHECK(working.committed());
  CHECK(working_took.count() < 1000);
  CHECK(silent_call.wait_for(0ms) == std::future_status::timeout);  // still being tried

  auto out = silent_call.get();
  const auto silent_took = since(t0);
  INFO(describe(out) << " after " << silent_took.count() << " ms");
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::node_unreachable);
  CHECK_THAT(out.message,
             Catch::Contains("cannot reach node 'silent' at " + test::loopback(silent.port())) &&
                 Catch::Contains(cause));
  CHECK(silent_took.count() < (cfg.node.connect_timeout + 500ms).count());
  // And "b" still answers at once afterwards.
  const auto t2 = clock_type::now();
  CHECK(rt.call_on("b", rt.default_options(), ping).committed());
  CHECK(since(t2).count() < 1000);
}

}  // namespace

TEST_CASE(
    "a peer whose address never completes a TCP connect is unreachable within the connect "
    "timeout, and calls to other peers answer meanwhile",
    "[dist][pg]") {
  check_silent_peer_holds_nothing(true, "no TCP connection within");
}

TEST_CASE(
    "a peer that accepts and never answers the handshake is unreachable within the connect "
    "timeout, and calls to other peers answer meanwhile",
    "[dist][pg]") {
  check_silent_peer_holds_nothing(false, "no handshake within");
}
