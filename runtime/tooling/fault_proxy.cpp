#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include <actortx/dsn.hpp>
#include <actortx/tooling/fault_proxy.hpp>

namespace actortx {

namespace {

uint32_t be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    auto w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("fault_proxy: " + what + ": " + std::strerror(errno));
}

}  // namespace

// --- frontend_scanner ----------------------------------------------------------------------------

bool frontend_scanner::is_commit(const std::string& query) {
  std::string q;
  for (char c : query) q += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto not_space = [](unsigned char c) { return !std::isspace(c) && c != ';' && c != '\0'; };
  q.erase(q.begin(), std::find_if(q.begin(), q.end(), not_space));
  q.erase(std::find_if(q.rbegin(), q.rend(), not_space).base(), q.end());
  return q == "COMMIT" || q == "END" || q == "COMMIT TRANSACTION" || q == "COMMIT WORK" ||
         q == "END TRANSACTION" || q == "END WORK";
}

std::vector<frontend_scanner::commit_seen> frontend_scanner::feed(const char* data, size_t n) {
  std::vector<commit_seen> out;
  // msg_ holds bytes of a message that began in an earlier chunk: it starts before this one.
  msg_start_ = -static_cast<long>(msg_.size());
  for (size_t i = 0; i < n; ++i) {
    if (msg_.empty()) msg_start_ = static_cast<long>(i);
    msg_ += data[i];
    // Startup phase: int32 length (itself included), int32 code, rest. Typed: 1 type byte,
    // int32 length (itself included), payload.
    const size_t header = startup_ ? 8 : 5;
    if (msg_.size() < header) continue;
    const size_t len = startup_ ? be32(msg_.data()) : 1 + be32(msg_.data() + 1);
    if (msg_.size() < len) continue;
    if (startup_) {
      const uint32_t code = be32(msg_.data() + 4);
      // SSLRequest, GSSENCRequest and CancelRequest keep us in the startup phase.
      if (code != 80877103 && code != 80877104 && code != 80877102) startup_ = false;
    } else if (msg_[0] == 'Q' && is_commit(msg_.substr(5))) {
      out.push_back({msg_start_, i + 1});
    }
    msg_.clear();
  }
  return out;
}

// --- fault_proxy ---------------------------------------------------------------------------------

fault_proxy::fault_proxy(std::string target_host, uint16_t target_port)
    : target_host_(std::move(target_host)), target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) fail("socket");
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(listener_, 64) != 0) fail("listen");
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe(wake_) != 0) fail("pipe");
  thread_ = std::thread{[this] { run(); }};
}

fault_proxy::~fault_proxy() {
  stop_ = true;
  char b = 0;
  (void)!::write(wake_[1], &b, 1);
  if (thread_.joinable()) thread_.join();
  for (auto& r : relays_) close_relay(r);
  ::close(listener_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

std::string fault_proxy::dsn_through(const std::string& dsn) const {
  return dsn_with(dsn_with(dsn, "host", "127.0.0.1"), "port", std::to_string(port_));
}

void fault_proxy::arm(commit_fault f, int times) {
  std::lock_guard<std::mutex> guard{mtx_};
  fault_ = f;
  fault_times_ = times;
}

void fault_proxy::arm_reply_delay(std::chrono::milliseconds delay, int times) {
  std::lock_guard<std::mutex> guard{mtx_};
  fault_ = commit_fault::delay_reply_after_commit;
  fault_times_ = times;
  reply_delay_ = delay;
}

void fault_proxy::stall_all() {
  stalled_ = true;
}

void fault_proxy::resume() {
  stalled_ = false;
  char b = 0;
  (void)!::write(wake_[1], &b, 1);
}

void fault_proxy::cut_all() {
  cut_all_ = true;
  char b = 0;
  (void)!::write(wake_[1], &b, 1);
}

void fault_proxy::close_relay(relay& r) {
  for (int* fd : {&r.client, &r.server}) {
    if (*fd >= 0) {
      ::shutdown(*fd, SHUT_RDWR);
      ::close(*fd);
      *fd = -1;
    }
  }
}

bool fault_proxy::forward_client(relay& r, const char* data, size_t n) {
  size_t sent = 0;
  for (const auto& c : r.scanner.feed(data, n)) {
    ++commits_;
    commit_fault f = commit_fault::none;
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (fault_ != commit_fault::none && fault_times_ > 0) {
        f = fault_;
        delay = reply_delay_;
        if (--fault_times_ == 0) fault_ = commit_fault::none;
      }
    }
    if (f == commit_fault::none) continue;
    ++faults_;
    if (f == commit_fault::delay_reply_after_commit) {
      r.hold_until = std::chrono::steady_clock::now() + delay;
      continue;  // the COMMIT itself goes through with the rest of the chunk
    }
    // cut after: everything up to the end of COMMIT reaches the server; cut before: only what
    // precedes the COMMIT message.
    size_t upto = f == commit_fault::cut_after_commit_forwarded
                      ? c.end
                      : static_cast<size_t>(std::max<long>(c.start, 0));
    if (upto > sent) write_all(r.server, data + sent, upto - sent);
    close_relay(r);
    return false;
  }
  if (n > sent && !write_all(r.server, data + sent, n - sent)) {
    close_relay(r);
    return false;
  }
  return true;
}

void fault_proxy::run() {
  char buf[65536];
  while (!stop_) {
    if (cut_all_.exchange(false))
      for (auto& r : relays_) close_relay(r);
    relays_.erase(
        std::remove_if(relays_.begin(), relays_.end(), [](const relay& r) { return r.client < 0; }),
        relays_.end());
    // Stalled: nothing is read or accepted (bytes wait in the kernel). A held reply: the
    // server's side of that relay is not read until its time.
    const bool stalled = stalled_;
    const auto now = std::chrono::steady_clock::now();
    int timeout_ms = 100;
    const short listen_events = stalled ? 0 : POLLIN;
    std::vector<pollfd> fds{{listener_, listen_events, 0}, {wake_[0], POLLIN, 0}};
    for (auto& r : relays_) {
      const bool held = r.hold_until > now;
      if (held)
        timeout_ms = std::min<int>(
            timeout_ms,
            static_cast<int>(
                std::chrono::duration_cast<std::chrono::milliseconds>(r.hold_until - now).count()) +
                1);
      fds.push_back({r.client, stalled ? short{0} : short{POLLIN}, 0});
      fds.push_back({r.server, stalled || held ? short{0} : short{POLLIN}, 0});
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0) continue;
    if (fds[1].revents & POLLIN) (void)!::read(wake_[0], buf, sizeof buf);
    if (fds[0].revents & POLLIN) {
      int c = ::accept(listener_, nullptr, nullptr);
      if (c >= 0) {
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(target_port_);
        ::inet_pton(AF_INET, target_host_.c_str(), &addr.sin_addr);
        if (s >= 0 && ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
          int one = 1;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          relay r;
          r.client = c;
          r.server = s;
          relays_.push_back(std::move(r));
          ++accepted_;
        } else {
          if (s >= 0) ::close(s);
          ::close(c);
        }
      }
    }
    // fds[2 + 2k] / fds[3 + 2k] belong to relays_[k] (accepts above only appended).
    for (size_t k = 0; 2 + 2 * k + 1 < fds.size(); ++k) {
      auto& r = relays_[k];
      if (r.client < 0) continue;
      if (fds[2 + 2 * k].revents & (POLLIN | POLLHUP | POLLERR)) {
        auto n = ::recv(r.client, buf, sizeof buf, 0);
        if (n <= 0) {
          close_relay(r);
          continue;
        }
        if (!forward_client(r, buf, static_cast<size_t>(n))) continue;
      }
      if (fds[3 + 2 * k].revents & (POLLIN | POLLHUP | POLLERR)) {
        auto n = ::recv(r.server, buf, sizeof buf, 0);
        if (n <= 0 || !write_all(r.client, buf, static_cast<size_t>(n))) close_relay(r);
      }
    }
  }
}

}  // namespace actortx
