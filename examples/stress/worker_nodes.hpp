// The worker node processes of a --nodes run: started (the same binary, --worker), killed
// with SIGKILL and restarted under the same name, port and node id (fault kill-node), and
// stopped at the end. Each runs in a process group of its own, so that a Ctrl-C at the
// terminal reaches only the coordinator, which then stops them in order; and each holds a
// lifeline pipe to the coordinator, so that none outlives it however it ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace stress {

struct worker_spec {
  std::string name;     ///< the peer name the coordinator uses, e.g. "w0"
  std::string node_id;  ///< its node id (saga log owner), kept across restarts
  std::string dsn;      ///< its runtime's DSN (through its fault proxy when there is one)
};

struct worker_settings {
  std::string tls_dir;  ///< node_certificates' directory; empty: plain TCP on loopback
  std::string log_dir;  ///< each worker appends its output to <log_dir>/<name>.log
  int pool = 8;
  int64_t timeout_ms = 5000;
  std::string isolation = "read_committed";
  std::string log_level = "error";
  std::string run;  ///< the run's name: saga types start with it (the records' check)
};

class worker_nodes {
 public:
  /// Starts every worker and waits until each serves; std::runtime_error with the tail of its
  /// log when one does not come up within 30 s.
  worker_nodes(worker_settings s, std::vector<worker_spec> specs);
  /// Stops every worker (stop()).
  ~worker_nodes();

  worker_nodes(const worker_nodes&) = delete;
  worker_nodes& operator=(const worker_nodes&) = delete;

  size_t size() const noexcept { return specs_.size(); }
  const worker_spec& spec(size_t i) const { return specs_.at(i); }
  /// Peer name -> "127.0.0.1:port", for the coordinator's node config.
  std::map<std::string, std::string> peers() const;

  /// kill -9 worker `i`, `downtime` later starts it again on the same port with the same node
  /// id, and waits until it serves. Returns what happened, for the fault log; throws when the
  /// restart fails.
  std::string kill_and_restart(size_t i, std::chrono::milliseconds downtime);

  /// Closes the lifelines (workers stop on their own), waits up to 10 s, then SIGKILLs what is
  /// left and reaps every process. Idempotent.
  void stop();

  /// Where worker `i` leaves its records' deadline tally when it stops (deadline_check.hpp).
  std::string deadlines_path(size_t i) const;

 private:
  struct process {
    pid_t pid = 0;
    int lifeline = -1;  ///< our end of the lifeline pipe
    uint16_t port = 0;
  };
  /// Starts worker `i` (on `processes_[i].port`, 0 = any) and waits for its ready line.
  void start(size_t i);
  /// Worker `i`'s command line (no secrets: every local user can read it).
  std::vector<std::string> arguments(size_t i) const;
  std::string log_path(size_t i) const;

  worker_settings s_;
  std::vector<worker_spec> specs_;
  std::string exe_;
  std::vector<process> processes_;
  std::mutex mtx_;
};

}  // namespace stress
