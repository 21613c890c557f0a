// The saga actor's state and the functions its parts share: the log rows it writes
// (saga_rows.cpp), its transactions and durable operations (saga_ops.cpp), forward
// (saga_forward.cpp), compensation (saga_compensation.cpp) and resuming from the log
// (saga_resume.cpp). Internal to actors/sagas.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include "actors/sagas/saga_actor.hpp"
#include "runtime/sagas/saga_log.hpp"

namespace actortx::saga_impl {

/// The context is immutable once a step has left it: the actor, the manager's entry and the
/// transactions waiting for a connection share one copy instead of holding one each.
using context_ptr = std::shared_ptr<const saga_context>;

/// What a step's transaction needs to know about its saga to write the log itself; one per
/// saga, shared by its steps' transactions.
struct saga_ident {
  std::string id;
  std::string type;
  uint32_t version = 1;
  int64_t deadline_ns = 0;  // steady clock; 0: none
  std::shared_ptr<const saga_settings> settings;
  std::shared_ptr<const saga_definition> def;
};

/// A step row to write with the next log write (the step ran on another database).
struct pending_row {
  size_t step;
  step_state status;
};

/// What a body step's transaction needs besides the step: fields that are empty for a step
/// that runs the first time, so they cost nothing then.
struct step_extra {
  uint32_t compensation_attempts = 0;
  std::string error;       // the saga's
  std::string step_error;  // the step's, from an earlier run
  /// Rows of steps that ran on other databases and are not logged yet (context set here).
  std::vector<saga_write> pending;
};

/// A body step's transaction: runs the step and, for a step on the log's database, writes
/// its log rows. One allocation per step, shared by the queued transaction and the actor
/// (which reads `result` once the step committed). The rows are built when the transaction
/// runs, from the context the step leaves, not when it is queued: a prebuilt statement was
/// ~0.8 KB of every saga waiting for a connection.
struct step_run {
  std::shared_ptr<const saga_ident> ident;
  context_ptr ctx;  // as the step found it: every attempt starts from it
  size_t step = 0;
  bool local = false;
  saga_state state = saga_state::executing;  // of the saga once the step committed
  std::unique_ptr<const step_extra> extra;   // null: all empty
  /// The context after the step. Written on the connection thread, read by the actor only
  /// after the step committed.
  std::mutex mtx;
  saga_context result;

  void operator()(tx& t);
};

struct saga_actor_state {
  saga_args args;
  std::shared_ptr<const saga_definition> def;  // null: the type is unknown on this node
  supervisor_actor home;                       // runs the transactions on the log's database
  saga_manager_actor host;                     // hears progress and the outcome
  context_ptr ctx;                             // never null
  std::shared_ptr<const saga_ident> ident;     // made when the first step runs
  saga_state state = saga_state::started;
  std::vector<step_report> steps;
  std::vector<pending_row> pending;
  size_t current = 0;        // step running (forward) or being compensated
  uint32_t op_failures = 0;  // consecutive failures of the log write / fence / compensation
  std::function<void()> retry;
  std::string error;
  errc code = errc::sql_error;
  int64_t started_ns = 0;
  bool final_logged = false;  // the last transaction wrote the final state already
  /// Set when the saga must stop going forward (an operator's cancel, its deadline): why, and
  /// the outcome's code. Checked before every step; a step on the log's database cannot commit
  /// after a cancel anyway (saga_step_done raises saga_cancelled_sqlstate).
  std::string stop_reason;
  errc stop_code = errc::none;
  bool stop_logged = false;
  bool step_capped = false;  // the running step's timeout is what the saga's deadline left  // the
                             // deadline's history row is written (or being written)
  uint32_t version = 1;      // of the saga's type (from the definition, or from the log)
  int64_t deadline_ns = 0;   // the saga's deadline on the steady clock; 0: none
  /// splitmix64 state for the compensation backoff's jitter. Not a std::mt19937_64: that is
  /// 2.5 KB per saga, and with 100 000 sagas in flight it was the largest part of a saga's
  /// memory; the jitter only needs to spread retries apart, not statistical quality.
  uint64_t jitter = 0;
  /// The request to a peer (another runtime or node) in flight, if any: a saga has at most
  /// one transaction in flight. When that peer goes down, the down message fails it at once
  /// (instead of at its timeout); a late reply of that request is then ignored.
  struct peer_request {
    uint64_t seq = 0;  // 0: none
    caf::actor_addr where;
    std::function<void(const tx_outcome&)> fail;
  } peer;
  uint64_t next_seq = 0;
  static inline const char* name = "actortx.saga";
};

using saga_ptr = saga_actor::stateful_pointer<saga_actor_state>;

// --- what the actor knows of its steps, and the log rows it writes (saga_rows.cpp) ----------

double next_uniform01(uint64_t& state) noexcept;
local_body body_of(std::function<void(tx&)> fn);
inline const saga_settings& settings(saga_ptr self) {
  return *self->state.args.settings;
}
inline const saga_definition& def(saga_ptr self) {
  return *self->state.def;
}
inline size_t step_count(saga_ptr self) {
  return def(self).steps().size();
}
/// The peer node the step runs on, or "" for this node (or options.on).
const std::string& peer_node(saga_ptr self, size_t step);
/// Where a step on this node runs: options.on, or the home supervisor.
supervisor_actor target(saga_ptr self, size_t step);
/// The step runs on the log's database and writes its log row itself. A procedure call cannot
/// append the row, so it is keyed like a step elsewhere even on this node.
bool is_local(saga_ptr self, size_t step);
tx_options step_options(saga_ptr self, size_t step, bool compensation);
/// Sets `w`'s step row from what the actor knows of step `step`. `written_by_step`: the row
/// goes into the step's own transaction, whose attempt number the database knows best.
void set_step_row(saga_ptr self, saga_write& w, size_t step, step_state status,
                  bool written_by_step);
/// A log write with the current saga row and, optionally, one step row.
saga_write make_write(saga_ptr self, saga_state state, const saga_context* ctx,
                      std::optional<size_t> step = std::nullopt,
                      step_state status = step_state::done);
/// The rows of steps that ran elsewhere and are not logged yet, then `main`.
std::vector<statement> log_statements(saga_ptr self, const saga_write& main);
const std::shared_ptr<const saga_ident>& ident_of(saga_ptr self);
/// Tells the saga manager the saga's state and step.
void progress(saga_ptr self, saga_state s);
/// Sends the outcome to the saga manager and quits.
void finish(saga_ptr self, saga_state s, errc code = errc::sql_error);

// --- durable operations (saga_ops.cpp) --------------------------------------------------------

/// A peer a request waits on went away: that request fails now (in doubt).
void on_peer_down(saga_ptr self, const caf::down_msg& dm);
inline bool lost_ownership(const tx_outcome& out) {
  return out.sqlstate == saga_not_owner_sqlstate;
}
/// Another node owns the saga now: stop driving it.
void stop_not_owner(saga_ptr self, const tx_outcome& out);
/// Schedules `again` after the compensation policy's backoff, or returns false when its
/// retries are used up.
bool retry_later(saga_ptr self, std::function<void()> again);
/// Writes the saga row in `state` (and the pending step rows) in a transaction of its own.
void write_log(saga_ptr self, saga_state state, const std::function<void()>& then);
/// The saga is FAILED for `why`: logged, then reported.
void fail_saga(saga_ptr self, std::string why);
/// Asks the step's database whether its action committed, fencing it if it did not.
void resolve_step(saga_ptr self, size_t step, const std::function<void(bool)>& then);
/// A step on the log's database that turned out to have run wrote its context with its log
/// row, in its own transaction: read it back, the compensation may need it.
void reload_context(saga_ptr self, const std::function<void()>& then);

/// Asks the saga to stop going forward and compensate (cancel, deadline). Ignored once it
/// compensates or ended; the step in flight finishes first (its own deadline bounds it).
void request_stop(saga_ptr self, errc code, std::string why);
/// The saga has a deadline and it passed.
bool deadline_passed(const saga_actor_state& st);
/// request_stop() for the saga's deadline (errc::timeout).
void stop_at_deadline(saga_ptr self);
/// Arms the deadline timer (if the saga has a deadline).
void arm_deadline(saga_ptr self);
/// The saga must not go forward (stop requested, or the deadline passed): true after having
/// made it compensate from step `top_plus_one` down.
bool stop_if_requested(saga_ptr self, size_t top_plus_one);
/// Writes the saga's history row of its deadline (an operator's cancel writes its own), then
/// `then`, whether or not the row could be written.
void log_deadline_event(saga_ptr self, const std::function<void()>& then);
/// The deadline in ms from now for a log row's insert: -1 none, else at least 0.
int64_t deadline_ms_from_now(int64_t deadline_ns);

// --- forward, compensation, resuming ---------------------------------------------------------

void run_step(saga_ptr self, size_t i);
void finish_committed(saga_ptr self);
/// Compensates every DONE step below `top_plus_one`, highest first.
void start_compensation(saga_ptr self, size_t top_plus_one);
/// Loads the saga from the log and goes on from there (recover / compensate modes).
void load_and_resume(saga_ptr self);

}  // namespace actortx::saga_impl
