// The supervisor's state: one named member function per handler, defined by duty in
// supervisor_actor.cpp (start, sagas forwarded, shutdown), supervisor_requests.cpp (accepting
// a request), supervisor_procedures.cpp (refusals, procedure calls), supervisor_attempts.cpp
// (attempts and retries), supervisor_deadline.cpp (deadlines, stopping), supervisor_outcome.cpp
// (the one answer) and supervisor_views.cpp (what runs now). Internal to actors/supervisor.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/supervisor/attempt_gate.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "actors/supervisor/unexpected_messages.hpp"

namespace actortx {

struct lane_call;

struct tx_entry {
  tx_options opts;
  std::variant<tx_script, local_body> work;
  caf::typed_response_promise<tx_outcome> rp;
  int64_t started_ns = 0;
  int64_t deadline_ns = 0;
  uint64_t deadline_token = 0;  // in cfg.deadlines, disarmed when answered
  uint32_t attempts = 0;
  bool attempt_running = false;
  int32_t backend_pid = 0;  // of the running attempt, once leased
  int64_t attempt_started_ns = 0;
  /// The running attempt's gate: decides, once, between its COMMIT and the deadline.
  std::shared_ptr<attempt_gate> gate;
  /// An attempt ended IN_DOUBT and no later attempt has proven it did not commit: no answer
  /// of this transaction may then claim "not committed".
  bool maybe_committed = false;
  /// The deadline passed while COMMIT was in flight: its reply decides, for a short grace.
  bool past_deadline = false;
  bool long_warned = false;  // logged once as long-running
  std::vector<attempt_record> log;
  uint32_t savepoints = 0;  // of the committed attempt, for its metrics record
  uint64_t rows = 0;
};

class supervisor_state;
using sup_ptr = supervisor_impl_actor::stateful_pointer<supervisor_state>;

class supervisor_state {
 public:
  explicit supervisor_state(sup_ptr self) : self_(self) {}
  void init(pool_actor pool, supervisor_settings cfg);

  // --- requests ----------------------------------------------------------------------------
  caf::result<tx_outcome> run(tx_options& opts, tx_script& script);
  caf::result<tx_outcome> run(tx_options& opts, procedure_call& call);
  caf::result<tx_outcome> run(tx_options& opts, local_body& body);
  /// A blocking-lane transaction whose first attempt did not commit: from here on it is ours,
  /// as if that attempt had been our own.
  caf::result<tx_outcome> take_over(tx_options& opts, tx_script& script, lane_handover& h);
  caf::result<tx_outcome> take_over(tx_options& opts, local_body& body, lane_handover& h);

  // --- attempts ------------------------------------------------------------------------------
  void on_leased(uint64_t id, uint32_t attempt, int32_t pid);
  /// An attempt reported. After its deadline (COMMIT was in flight then) only its truth
  /// matters: no retry.
  void on_attempt(uint64_t id, attempt_result& r);
  void on_retry(uint64_t id);
  /// An attempt actor died: without a report, that is a failed attempt.
  void on_down(const caf::down_msg& dm);

  // --- deadlines and shutdown ----------------------------------------------------------------
  /// The deadline of transaction `id` passed.
  void on_deadline(uint64_t id);
  /// A caller cancelled the transaction with this correlation id (supervisor_cancel.cpp).
  void on_cancel(const std::string& correlation_id);
  /// The grace for a COMMIT in flight at the deadline is over: IN_DOUBT unless it answered.
  void on_commit_grace(uint64_t id, uint32_t attempt);
  /// Refuses new work from now on; answers how many transactions still run.
  uint64_t drain();
  /// Shutting down: every open request gets a truthful answer before we go.
  void on_exit(const caf::exit_msg& em);

  // --- what runs now -------------------------------------------------------------------------
  caf::result<std::vector<active_tx>> active();
  void on_tick();

  // --- sagas: the saga manager's ---------------------------------------------------------------
  void set_saga_host(saga_manager_actor host);
  caf::result<saga_outcome> saga(saga_request& req);
  /// An operator's saga message: to the saga operator, or an error when there is none.
  template <class Query, class Answer>
  caf::result<Answer> operate(Query& q);
  void set_saga_operator(saga_operator_actor ops) { saga_ops_ = std::move(ops); }
  caf::result<std::vector<saga_info>> sagas();

  caf::result<caf::message> on_unexpected(caf::message_view& x);

  static inline const char* name = "actortx.supervisor";

 private:
  template <class Work>
  caf::result<tx_outcome> accept(tx_options opts, Work work);
  template <class Work>
  caf::result<tx_outcome> take_over_work(tx_options& opts, Work work, lane_handover& h);
  /// A request refused before it started: answered at once, logged once at warn.
  tx_outcome refused(const tx_options& opts, errc code, std::string why);
  /// A procedure call becomes a local body on this node, after its arguments were checked; or
  /// the refusal (unknown procedure, arguments that do not match its parameters).
  std::variant<local_body, tx_outcome> bind_procedure(tx_options& opts, procedure_call& call);
  /// The deadline of `id` fires in the node's deadline queue, which only posts a message here.
  void arm_deadline(uint64_t id);

  void start_attempt(uint64_t id);
  template <class Work>
  void run_on_idle(uint64_t id, const idle_conn& c, exec_request req, const Work& work);
  /// The attempt's connection is done with: back to the desk, or to the pool.
  void give_back(const idle_conn& c, bool healthy);
  /// An attempt ended without committing: retry after backoff, or give the final answer.
  void on_failed_attempt(uint64_t id, const attempt_result& r);

  /// Stops the running attempt before COMMIT if it can; returns what the gate was found in.
  attempt_gate::phase stop_attempt(tx_entry& e, const char* why);
  /// Every transaction is answered (FAILED shutting_down where it cannot have committed,
  /// IN_DOUBT where its COMMIT is in flight) and its attempt stopped.
  void stop_transactions();

  /// Answers transaction `id` and forgets it (no-op if answered already). A state that says
  /// "not committed" becomes IN_DOUBT when an earlier attempt's COMMIT is in doubt and nothing
  /// has shown since that it did not commit.
  void finish(uint64_t id, tx_state state, errc code, std::string message,
              std::vector<result_set> results = {}, bool deduplicated = false);

  std::vector<std::shared_ptr<lane_call>> lane_calls() const;
  /// Every transaction running now, oldest first (statements not filled in).
  std::vector<active_tx> snapshot() const;
  /// Counts of what runs now, for the metrics actor (cheap: no statements from the server).
  active_summary summarize() const;
  /// Logs each transaction once at warn when it runs longer than the threshold.
  void warn_long_running();
  void schedule_tick();

  struct child {
    uint64_t tx_id;
    uint32_t attempt;
  };

  sup_ptr self_;
  pool_actor pool_;
  supervisor_settings cfg_;
  std::shared_ptr<std::atomic<uint64_t>> ids_;  // shared with the blocking lane
  std::unordered_map<uint64_t, tx_entry> txs_;
  std::unordered_map<caf::actor_addr, child> children_;  // attempt actor -> its transaction
  saga_manager_actor saga_host_;                         // null: no sagas here
  saga_operator_actor saga_ops_;                         // null: not started (yet)
  std::mt19937_64 rng_{std::random_device{}()};
  std::unordered_set<uint64_t> lane_warned_;  // lane transactions logged as long-running
  /// Shutting down: new work is refused while running transactions finish.
  bool draining_ = false;
  unexpected_messages unexpected_;
};

/// What an attempt's result says about earlier attempts and itself: IN_DOUBT makes the
/// transaction maybe-committed; an attempt that wrote its idempotency key proves that no
/// earlier one committed.
void note_attempt(tx_entry& e, const attempt_result& r);

}  // namespace actortx
