// Everything --faults adds around a run: which kinds this run can inject, the schedule
// (summarized before the run, so two runs can be compared up front, and generated lazily as
// the run goes), the fault proxies in front of the runtimes, and the injector while the
// workload runs.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "fault_injector.hpp"
#include "fault_record.hpp"
#include "fault_schedule.hpp"
#include "options.hpp"

namespace actortx {
struct postgres_target;
}

namespace stress {

class fault_session {
 public:
  /// Works out the kinds to inject: those --faults names, less the ones this run cannot do
  /// (restart, crash: PostgreSQL must be the embedded one the harness started; proxy: the server
  /// must answer on TCP 127.0.0.1; kill-node: worker nodes), each with a note on `out`.
  /// `databases`: 1, or 2 for sagas (one runtime and one proxy per database; with --nodes one
  /// proxy per worker instead). Prints the schedule's digest and first entries. Inactive
  /// (no-op) without --faults.
  fault_session(const options& o, actortx::postgres_target& db, int databases, std::ostream& out);
  ~fault_session();

  fault_session(const fault_session&) = delete;
  fault_session& operator=(const fault_session&) = delete;

  bool active() const noexcept { return summary_.count > 0; }

  /// The DSN the runtime on database `index` (with --nodes: worker `index`) uses: through its
  /// fault proxy if proxy faults are on (the same DSN otherwise).
  std::string runtime_dsn(int index, const std::string& dsn) const;

  /// Starts injecting. `admin_dsns`, `databases`, `schemas`: per database, as fault_targets.
  /// `kill_node`: fault_targets::kill_node (with --nodes).
  void start(std::vector<std::string> admin_dsns, std::vector<std::string> databases,
             std::vector<std::string> schemas, std::function<int64_t()> progress, bool tty,
             std::function<std::string(int, std::chrono::milliseconds)> kill_node = {});
  /// Stops injecting (waits for a fault in progress). Idempotent.
  void stop();

  const std::vector<fault_kind>& kinds() const noexcept { return kinds_; }
  /// Kinds asked for but off in this run, with why.
  const std::vector<std::string>& notes() const noexcept { return notes_; }
  std::string digest() const { return digest_text(summary_.digest); }
  /// Every fault that came due (after stop()).
  std::vector<fault_record> records() const;

 private:
  std::ostream& out_;
  std::vector<fault_kind> kinds_;
  std::vector<std::string> notes_;
  fault_plan plan_;
  schedule_summary summary_;
  actortx::embedded_postgres* cluster_ = nullptr;
  std::vector<std::unique_ptr<actortx::fault_proxy>> proxies_;
  std::unique_ptr<fault_injector> injector_;
};

/// The fault_plan of a run (exposed for tests: the schedule is a function of these options).
fault_plan plan_for(const options& o, std::vector<fault_kind> kinds, int databases);

}  // namespace stress
