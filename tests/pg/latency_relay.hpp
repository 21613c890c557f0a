// A TCP relay to the suite's cluster that holds every server->client chunk for a fixed delay:
// each round trip then costs that delay, so a test counts round trips with a clock.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace actortx::test {

class latency_relay {
 public:
  using clock = std::chrono::steady_clock;

  latency_relay(uint16_t target_port, std::chrono::milliseconds delay)
      : target_port_(target_port), delay_(delay) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("latency_relay: cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread{[this] { run(); }};
  }
  ~latency_relay() {
    stop_ = true;
    thread_.join();
    for (auto& p : pairs_) close_pair(p);
    ::close(listener_);
  }
  latency_relay(const latency_relay&) = delete;
  latency_relay& operator=(const latency_relay&) = delete;

  uint16_t port() const noexcept { return port_; }

 private:
  struct pair {
    int client = -1;
    int server = -1;
    std::deque<std::pair<clock::time_point, std::string>> to_client;  // held chunks
  };

  static sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
  }
  static void close_pair(pair& p) {
    for (int* fd : {&p.client, &p.server})
      if (*fd >= 0) ::close(*fd), *fd = -1;
  }
  static bool send_all(int fd, const char* data, size_t n) {
    for (ssize_t w = 0; n > 0; data += w, n -= static_cast<size_t>(w))
      if ((w = ::send(fd, data, n, MSG_NOSIGNAL)) <= 0) return false;
    return true;
  }

  void accept_one() {
    pair p;
    p.client = ::accept(listener_, nullptr, nullptr);
    p.server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(target_port_);
    if (p.client >= 0 && p.server >= 0 &&
        ::connect(p.server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
      pairs_.push_back(std::move(p));
    else
      close_pair(p);
  }

  void run() {
    char buf[65536];
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (auto& p : pairs_) {
        fds.push_back({p.client, POLLIN, 0});
        fds.push_back({p.server, POLLIN, 0});
      }
      ::poll(fds.data(), fds.size(), 1);  // 1 ms: releases held chunks on time
      const auto now = clock::now();
      for (size_t k = 0; k < pairs_.size(); ++k) {
        auto& p = pairs_[k];
        if (p.client < 0) continue;
        bool ok = true;
        if (fds[1 + 2 * k].revents != 0) {
          auto n = ::recv(p.client, buf, sizeof buf, 0);
          ok = n > 0 && send_all(p.server, buf, static_cast<size_t>(n));
        }
        if (ok && fds[2 + 2 * k].revents != 0) {
          auto n = ::recv(p.server, buf, sizeof buf, 0);
          ok = n > 0;
          if (ok) p.to_client.emplace_back(now + delay_, std::string(buf, static_cast<size_t>(n)));
        }
        while (ok && !p.to_client.empty() && p.to_client.front().first <= now) {
          const auto& chunk = p.to_client.front().second;
          ok = send_all(p.client, chunk.data(), chunk.size());
          p.to_client.pop_front();
        }
        if (!ok) close_pair(p);
      }
      if (fds[0].revents & POLLIN) accept_one();
    }
  }

  uint16_t target_port_;
  std::chrono::milliseconds delay_;
  uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::vector<pair> pairs_;  // owned by the relay thread until it stopped
  std::thread thread_;
};

}  // namespace actortx::test
