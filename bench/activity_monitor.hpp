// Watches pg_stat_activity from a connection of its own, on a thread of its own, to time when
// a statement stops being active on the server (for actortx-bench-deadline).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <pqxx/pqxx>

namespace bench {

using steady = std::chrono::steady_clock;

/// What to watch: an active statement whose text contains `tag`, or (once `pid` holds a
/// non-zero value) backend `pid` while it is active.
struct watch_job {
  std::string tag;  ///< letters, digits and '-' only (it goes into a LIKE pattern)
  std::shared_ptr<std::atomic<int32_t>> pid;
  steady::time_point deadline;
  /// Set by the caller when its call returned: a statement never seen by then (+50 ms) will not
  /// be, and the watch ends.
  std::shared_ptr<std::atomic<bool>> caller_done;
  std::chrono::milliseconds give_up{3000};  ///< after the deadline
};

struct watch_result {
  bool seen = false;               ///< seen active at least once
  bool gone = false;               ///< seen, then found no longer active
  steady::time_point last_active;  ///< when the last poll that saw it active was sent
  steady::time_point gone_at;      ///< when the first poll that found it gone returned
  /// How much gone_at may overstate the time after the deadline: gone_at minus the later of the
  /// last active poll and the start of close polling (2 ms before the deadline).
  steady::duration uncertainty{};
  int polls = 0;
  std::string error;  ///< the monitor's connection failed
};

class activity_monitor {
 public:
  /// Connects (the DSN should carry a connect_timeout). Polls run back to back `interval`
  /// apart from 2 ms before the deadline on; before that every 1 ms until the statement
  /// is seen, then not at all.
  activity_monitor(const std::string& dsn, std::chrono::microseconds interval);
  ~activity_monitor();
  activity_monitor(const activity_monitor&) = delete;
  activity_monitor& operator=(const activity_monitor&) = delete;

  /// Starts watching (one job at a time); the result comes when it is gone or given up.
  std::future<watch_result> watch(watch_job job);

 private:
  void serve();
  watch_result run(const watch_job& job);
  bool active(const std::string& pattern, int32_t pid);

  pqxx::connection conn_;
  std::chrono::microseconds interval_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::optional<watch_job> job_;
  std::promise<watch_result> promise_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bench
