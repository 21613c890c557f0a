// A TCP proxy between libpq and PostgreSQL that can cut connections at chosen moments: around
// a COMMIT, or all at once. It reads the frontend (client -> server) protocol just enough to
// spot a COMMIT; bytes are forwarded unchanged. Shipped for fault injection: the tests use it
// for commit-in-doubt cases, actortx-stress --faults proxy to drop a runtime's network.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace actortx {

/// Splits the client's byte stream into protocol messages and flags complete COMMITs.
class frontend_scanner {
 public:
  struct commit_seen {
    long start;  ///< offset of the message in the chunk (negative: began in an earlier chunk)
    size_t end;  ///< offset just past it
  };
  /// Feeds one chunk; returns the COMMITs that completed inside it.
  std::vector<commit_seen> feed(const char* data, size_t n);

  /// "COMMIT", "commit;", "END", "COMMIT TRANSACTION", ... (case-insensitive, trimmed).
  static bool is_commit(const std::string& query);

 private:
  bool startup_ = true;  // untyped messages until the StartupMessage
  std::string msg_;      // the current message so far
  long msg_start_ = 0;   // its start, relative to the current chunk
};

class fault_proxy {
 public:
  enum class commit_fault {
    none,
    cut_after_commit_forwarded,   ///< forward COMMIT, then close both sides before any reply
    cut_before_commit_forwarded,  ///< do not forward COMMIT; close both sides
    delay_reply_after_commit,     ///< forward COMMIT, hold the server's reply for a while
  };

  /// Listens on 127.0.0.1, a free port; relays each connection to target_host:target_port.
  fault_proxy(std::string target_host, uint16_t target_port);
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  uint16_t port() const noexcept { return port_; }
  /// `dsn` pointing at the proxy instead (host=127.0.0.1 port=<ours>), other keys kept.
  std::string dsn_through(const std::string& dsn) const;

  /// The next `times` COMMITs, on any connection, get `f`.
  void arm(commit_fault f, int times = 1);
  /// The next `times` COMMITs reach the server at once, their replies reach the client only
  /// `delay` later (a slow network path right when the outcome is decided).
  void arm_reply_delay(std::chrono::milliseconds delay, int times = 1);
  /// Black-holes every relayed connection and new connects (nothing forwarded, nothing closed:
  /// a frozen server or a silently dropped network path) until resume().
  void stall_all();
  void resume();
  /// Closes every relayed connection now (both sides): a dropped network.
  void cut_all();

  size_t connections_accepted() const noexcept { return accepted_; }
  size_t commits_seen() const noexcept { return commits_; }
  size_t faults_injected() const noexcept { return faults_; }

 private:
  struct relay {
    int client = -1;
    int server = -1;
    frontend_scanner scanner;
    std::chrono::steady_clock::time_point hold_until{};  // server bytes wait until then
  };
  void run();
  void close_relay(relay& r);
  /// Forwards a client chunk, applying an armed fault; false if the relay was cut.
  bool forward_client(relay& r, const char* data, size_t n);

  std::string target_host_;
  uint16_t target_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> cut_all_{false};
  std::atomic<bool> stalled_{false};
  std::chrono::milliseconds reply_delay_{0};  // under mtx_
  std::mutex mtx_;                            // arming
  commit_fault fault_ = commit_fault::none;
  int fault_times_ = 0;
  std::atomic<size_t> accepted_{0}, commits_{0}, faults_{0};
  std::vector<relay> relays_;  // owned by the proxy thread
  std::thread thread_;
};

}  // namespace actortx
