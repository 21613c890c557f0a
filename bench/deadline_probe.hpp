// One sample of actortx-bench-deadline: a transaction stuck in the database at its deadline,
// timed from the caller's side and from pg_stat_activity.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include <actortx/tx_outcome.hpp>

#include "activity_monitor.hpp"
#include "cancel_timer.hpp"
#include "warn_counter.hpp"

namespace actortx {
class runtime;
}

namespace bench {

enum class probe_path {
  body,    ///< runtime::transact(opts, body): the body runs SELECT pg_sleep(..)
  script,  ///< runtime::transact(opts, tx_script) with the same statement
  commit,  ///< a body whose COMMIT is in flight at the deadline (a deferred trigger sleeps)
};

const char* to_string(probe_path p) noexcept;

struct probe_settings {
  std::chrono::milliseconds timeout{50};
  double sleep_s = 1.0;                         ///< pg_sleep of the body and script
  std::chrono::milliseconds commit_sleep{250};  ///< how long COMMIT's trigger sleeps
  bool statement_timeout_off = false;   ///< SET LOCAL statement_timeout = 0 first: cancel only
  std::chrono::microseconds poll{200};  ///< pg_stat_activity poll interval after the deadline
};

struct probe_sample {
  probe_path path = probe_path::body;
  bool loaded = false;
  int round = 0;
  actortx::tx_state state = actortx::tx_state::running;
  int64_t caller_late_ns = 0;         ///< the blocking call returned, minus the caller's deadline
  int64_t runtime_late_ns = 0;        ///< the outcome's duration minus the timeout (runtime's view)
  int64_t body_exit_late_ns = 0;      ///< body: its statement returned or threw
  int64_t rollback_sent_late_ns = 0;  ///< body: the pre-rollback hook ran (ROLLBACK goes next)
  /// body: the post-rollback hook ran (after ROLLBACK and after waiting for a cancel request
  /// still in flight; the body's state is released right after)
  int64_t rollback_done_late_ns = 0;
  bool backend_seen = false;    ///< the statement was seen active in pg_stat_activity
  bool backend_gone = false;    ///< ... and then no longer active (within 3 s)
  int64_t backend_late_ns = 0;  ///< first poll that found it gone returned, minus the deadline
  int64_t resolution_ns = 0;    ///< how much backend_late_ns may overstate (watch_result)
  int64_t pqcancel_ns = -1;     ///< one PQcancel to an idle backend, timed after the sample
  bool row_committed = false;   ///< commit: the probe's row is in the table afterwards
  int64_t cuts = 0;             ///< connections the runtime cut during the sample
  int64_t cancel_failures = 0;
  std::string monitor_error;
};

class probe_runner {
 public:
  /// `dsn` (with a connect_timeout) is for the monitor and the check connection.
  probe_runner(actortx::runtime& rt, const std::string& dsn, probe_settings s,
               std::shared_ptr<warn_counts> warnings);

  /// The table and deferred trigger the commit path needs (idempotent; empties the table).
  static void prepare_schema(const std::string& dsn);

  /// One sample; returns once the statement is no longer active (or 3 s after the deadline).
  probe_sample run(probe_path path, uint64_t n);

 private:
  struct marks {
    steady::time_point body_exit, rollback_sent, rollback_done;
  };
  actortx::tx_outcome call(probe_path path, const std::string& tag,
                           const std::shared_ptr<std::atomic<int32_t>>& pid, marks& m);

  actortx::runtime& rt_;
  probe_settings s_;
  std::shared_ptr<warn_counts> warnings_;
  activity_monitor monitor_;
  pqxx::connection check_;
  cancel_timer cancels_;
  std::string run_id_;
};

}  // namespace bench
