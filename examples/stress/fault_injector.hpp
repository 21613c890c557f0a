// Runs a fault schedule against a live run, on a thread of its own, one fault at a time, and
// logs each (offset, kind, what it did) as it happens.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fault_record.hpp"
#include "fault_schedule.hpp"

namespace actortx {
class embedded_postgres;
class fault_proxy;
}  // namespace actortx

namespace stress {

/// What the faults act on. Per database (index 0 = A, 1 = B): its admin DSN, name and the bank
/// schema; the fault proxies, one per database's runtime or, with worker nodes, per worker
/// (none: proxy faults are off).
struct fault_targets {
  std::vector<std::string> admin_dsns;
  std::vector<std::string> databases;
  std::vector<std::string> schemas;
  std::vector<actortx::fault_proxy*> proxies;
  actortx::embedded_postgres* cluster = nullptr;  ///< null: restart and crash are off
  /// kill-node: kills worker `node` with SIGKILL, waits `downtime`, starts it again; returns
  /// what it did. Empty: kill-node is off.
  std::function<std::string(int node, std::chrono::milliseconds downtime)> kill_node;
  /// Requests that succeeded so far (run_stats.hpp): "the run goes on" while this grows.
  std::function<int64_t()> progress;
};

class fault_injector {
 public:
  /// `log`: where each fault is reported as it ends (a line; `tty`: clears the progress bar's
  /// line first).
  fault_injector(fault_plan plan, fault_targets targets, std::ostream& log, bool tty);
  ~fault_injector() { stop(); }

  fault_injector(const fault_injector&) = delete;
  fault_injector& operator=(const fault_injector&) = delete;

  /// Starts the clock: the schedule's offsets count from now.
  void start();
  /// No further fault; waits for the one running to end. Idempotent.
  void stop();

  /// Every fault that came due before stop(); only after stop().
  const std::vector<fault_record>& records() const noexcept { return records_; }

 private:
  void loop();
  void inject(fault_record& r);
  void await_resume(fault_record& r, std::chrono::steady_clock::time_point until);
  std::chrono::milliseconds since_start() const;

  fault_schedule_generator schedule_;  // lazily: one fault at a time
  fault_targets t_;
  std::ostream& log_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mtx_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::vector<fault_record> records_;  // written by the thread, read after stop()
};

}  // namespace stress
