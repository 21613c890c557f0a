// The public façade: boots the actors, offers a blocking API and the supervisor handle.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/fwd.hpp>

#include <actortx/metrics.hpp>
#include <actortx/metrics_report.hpp>
#include <actortx/notification.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/retention.hpp>
#include <actortx/retryable_error.hpp>
#include <actortx/runtime_config.hpp>
#include <actortx/saga_registry.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/tx.hpp>
#include <actortx/tx_result.hpp>
#include <actortx/tx_ticket.hpp>

namespace actortx {

// Errors, one style for the whole façade:
// - Calls that answer with an outcome (transact, run_saga, call, call_on, transact_on) never
//   throw: the outcome's state, code and message tell what happened, also when the runtime or
//   a peer could not be reached.
// - Calls that return data (metrics, report, running_sagas, sagas_in_state, pool_snapshot,
//   active_transactions, recover_sagas_now, ...) throw query_error when they cannot answer;
//   "nothing there" (metrics off, no sagas) is an empty answer, not an error.
// - Construction throws config_error (a bad value, naming its key) or startup_error; node()
//   throws node_error. All of them derive from std::runtime_error except config_error
//   (std::invalid_argument). Every what() is free of passwords.

/// The runtime could not start (e.g. PostgreSQL unreachable). what() says why, with the
/// target host/port/database and never the password.
class startup_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A peer node could not be reached; what() names the peer, its address and the cause.
class node_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A query could not be answered (an actor did not answer within its timeout, the saga log
/// could not be read); what() names the query and the cause.
class query_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Wraps a lambda for a run_atom request sent by an actor. Capture by value: when the
/// deadline passes, the outcome is sent while the body may still be unwinding.
local_body make_body(std::function<void(tx&)> fn, tx_hooks hooks = {});

/// The readiness of a runtime (GET /readyz): ready when the pool holds a working connection
/// and saga recovery has caught up (its first round after start finished, or sagas are off).
struct readiness {
  bool ready = false;
  bool pool_connected = false;
  bool sagas_recovered = false;
  std::string reason;  ///< why not ready, for people; "" when ready
};

class runtime {
 public:
  /// Validates `cfg` (config_error), starts its own CAF actor system, checks that PostgreSQL
  /// answers (startup_error), and spawns pool and supervisor.
  explicit runtime(runtime_config cfg);
  /// Same, able to run (and after a crash, resume) the sagas defined in `sagas`. Creates the
  /// saga log tables if missing and starts saga recovery at once.
  runtime(runtime_config cfg, saga_registry sagas);
  /// Runs on the caller's actor system, whose config must have had register_messages().
  runtime(caf::actor_system& sys, runtime_config cfg);
  runtime(caf::actor_system& sys, runtime_config cfg, saga_registry sagas);
  /// Drains, then stops: new requests are refused (FAILED, errc::shutting_down), running
  /// transactions get config().transactions.shutdown_grace to finish; what still runs then is
  /// stopped and answered FAILED (errc::shutting_down), or IN_DOUBT where its COMMIT is in flight.
  /// Sagas stop and stay in the log for recovery. Any thread may destroy it. (CAF 0.17.6 keeps
  /// a reference to the actor system's logger on every thread that spawned an actor, and
  /// ~actor_system waits for them; the façade's blocking calls release theirs when they end.)
  ~runtime();

  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  // --- blocking API: for plain C++ threads, never from inside an actor ----------------------
  /// Runs `body` as a transaction; returns when it committed, failed or timed out, and the
  /// body is no longer running (so capturing locals by reference is safe here).
  tx_outcome transact(const tx_options& opts, std::function<void(tx&)> body);
  /// Same, with hooks for this transaction (after the runtime-wide ones; see tx_hooks.hpp).
  tx_outcome transact(const tx_options& opts, std::function<void(tx&)> body, tx_hooks hooks);
  /// Same with config().defaults.
  tx_outcome transact(std::function<void(tx&)> body);
  /// Runs a script of parameterised statements; the outcome carries the result rows.
  tx_outcome transact(const tx_options& opts, const tx_script& script);
  /// Runs a body that returns a value: the result holds the outcome and, when it committed,
  /// the value of the attempt that committed (tx_result.hpp).
  template <class F, class R = std::invoke_result_t<F&, tx&>,
            std::enable_if_t<!std::is_void<R>::value, int> = 0>
  tx_result<R> transact(const tx_options& opts, F body) {
    std::optional<R> value;
    tx_result<R> out;
    // The blocking call returns only once the body is no longer running: the reference is safe.
    out.outcome = transact(opts, std::function<void(tx&)>([&value, &body](tx& t) {
                             value.reset();
                             value.emplace(body(t));
                           }));
    if (out.outcome.ok() && !out.outcome.deduplicated) out.result = std::move(value);
    return out;
  }
  template <class F, class R = std::invoke_result_t<F&, tx&>,
            std::enable_if_t<!std::is_void<R>::value, int> = 0>
  tx_result<R> transact(F body) {
    return transact(default_options(), std::move(body));
  }

  // --- asynchronous API: for plain C++ threads that start several transactions and wait for
  // them together. The body runs on a connection thread after the call returned: capture by
  // value (or keep what it references alive until the outcome). The outcome comes within the
  // deadline (plus its grace) like the blocking call's; the future is never left unfulfilled,
  // also not when the runtime shuts down (FAILED, errc::shutting_down). From an actor, send
  // (run_atom, tx_options, local_body) to supervisor() with request(..., timeout) instead.
  tx_ticket<tx_outcome> transact_async(const tx_options& opts, std::function<void(tx&)> body);
  tx_ticket<tx_outcome> transact_async(const tx_options& opts, const tx_script& script);
  /// Callback form: `done` runs once with the outcome, on a runtime thread (must not block).
  /// Returns the cancel handle.
  tx_canceller transact_async(const tx_options& opts, std::function<void(tx&)> body,
                              std::function<void(tx_outcome)> done);
  /// A body returning a value: the future holds a tx_result<R>.
  template <class F, class R = std::invoke_result_t<F&, tx&>,
            std::enable_if_t<!std::is_void<R>::value, int> = 0>
  tx_ticket<tx_result<R>> transact_async(const tx_options& opts, F body) {
    auto value = std::make_shared<std::optional<R>>();
    auto promise = std::make_shared<std::promise<tx_result<R>>>();
    tx_ticket<tx_result<R>> ticket;
    ticket.future = promise->get_future();
    ticket.canceller = transact_async(
        opts,
        [value, body](tx& t) mutable {
          value->reset();
          value->emplace(body(t));
        },
        [value, promise](tx_outcome o) {
          tx_result<R> r;
          if (o.ok() && !o.deduplicated) r.result = std::move(*value);
          r.outcome = std::move(o);
          promise->set_value(std::move(r));
        });
    return ticket;
  }
  /// run_saga without waiting: the future holds the saga's outcome, or one with caller_gave_up
  /// after `timeout` (the saga goes on; it is durable).
  std::future<saga_outcome> run_saga_async(
      saga_request req, std::chrono::milliseconds timeout = std::chrono::minutes(5));
  /// Callback form: `done` runs once, on a runtime thread (must not block).
  void run_saga_async(saga_request req, std::function<void(saga_outcome)> done,
                      std::chrono::milliseconds timeout = std::chrono::minutes(5));

  // --- LISTEN/NOTIFY ---------------------------------------------------------------------------
  /// LISTENs on `channel` over a connection of its own (not from the pool), on a thread of its
  /// own. `target` receives every NOTIFY as a `notification` message and, after the connection
  /// was lost and LISTEN is in effect again, a `notification_gap` (reconnecting with backoff
  /// until it works or the handle is dropped). Any channel name (quoted as an identifier).
  /// Throws startup_error when the first connection or LISTEN fails. Listening ends with the
  /// handle or the runtime.
  listen_handle listen(const std::string& channel, caf::actor target);
  /// Same with callbacks, called on the listener's thread, in order (must not block long).
  listen_handle listen(const std::string& channel,
                       std::function<void(const notification&)> on_notify,
                       std::function<void(const notification_gap&)> on_gap = {});

  // --- sagas (blocking; from actors send (saga_atom, saga_request) to supervisor()) ----------
  /// Runs a saga of a registered type and returns its outcome. `timeout` is how long the caller
  /// waits, not the saga's deadline (saga_request::options.timeout): if no outcome arrives in
  /// time the result has caller_gave_up set (state STARTED, errc::timeout) and the saga goes on
  /// (it is durable; look it up by id). An outcome the saga reported never has it set.
  saga_outcome run_saga(const std::string& type, saga_context context = {},
                        std::chrono::milliseconds timeout = std::chrono::minutes(5));
  saga_outcome run_saga(saga_request req,
                        std::chrono::milliseconds timeout = std::chrono::minutes(5));
  /// Sagas this node drives now (query_error if the supervisor does not answer in 5 s).
  std::vector<saga_info> running_sagas();
  /// Sagas in `state` according to the log (any node), oldest update first; e.g. FAILED ones
  /// for an operator. Throws query_error if the log cannot be read.
  std::vector<saga_info> sagas_in_state(saga_state state, size_t limit = 100);
  /// Runs a recovery round now; returns how many sagas it claimed (0: none to claim, or the
  /// runtime has no sagas). Throws query_error when the round could not run.
  uint32_t recover_sagas_now();
  // --- retention (blocking; see runtime_config::retention) ------------------------------------
  /// Runs a pruning round now (after a round already running on this node): finished sagas
  /// (COMMITTED, COMPENSATED) with their steps and history, and idempotency keys, older than the
  /// retention, batch after batch. Returns what it deleted; nothing, with held_by naming the
  /// node, when another node holds the pruning lease. Throws query_error when a batch fails.
  prune_report prune_now();
  /// Same, counting the retention back from `as_of` instead of the server's clock (an operator's
  /// or a test's clock; the lease still runs on the server's clock).
  prune_report prune_now(std::chrono::system_clock::time_point as_of);
  /// This node's owner name in the saga log.
  const std::string& node_id() const noexcept;

  // --- operating sagas (blocking; from actors send (saga_atom, saga_filter | saga_lookup |
  // saga_command) to supervisor(), this node's or another's). They read and write the saga log
  // of this runtime's database, whichever node drives the saga; a runtime without saga types
  // can operate too. Each throws query_error when the log cannot be read (naming why), and
  // std::invalid_argument for a malformed id or filter (naming what is wrong).
  /// Everything the log holds about saga `id`: its row, every logged step (state, attempts,
  /// last error, node, times) and its history (who retried or cancelled it, and why).
  /// found = false when there is no such saga.
  saga_detail saga(const std::string& id);
  /// Sagas matching `filter` (every criterion given), newest first by creation.
  std::vector<saga_info> list_sagas(const saga_filter& filter = {});
  /// A FAILED saga goes on from where it stopped, per its log: the compensations that gave up
  /// run again, or it resumes / compensates in the state it failed in. Any node with its type
  /// and version takes it up (this one at once if it has it); the old owner is fenced off.
  /// Refused (accepted = false, nothing changed) for a saga that is not FAILED. `by` and
  /// `reason` are recorded in the saga's history.
  saga_command_result retry_saga(const std::string& id, const std::string& by,
                                 const std::string& reason);
  /// Stops a saga going forward and compensates what ran. STARTED / EXECUTING: the node driving
  /// it is told (and its next step cannot commit); FAILED: compensated from its log like a
  /// retry. Refused when already compensating, finished (COMMITTED / COMPENSATED), or a cancel
  /// is pending already (the message says whose).
  saga_command_result cancel_saga(const std::string& id, const std::string& by,
                                  const std::string& reason);

  // --- observability (blocking, 5 s timeout; empty/default when metrics are off; query_error
  // when the metrics actor does not answer) ------------------------------------------------------
  /// Aggregates, trend, pool gauges, recent alerts and the health score, now.
  metrics_snapshot metrics();
  /// The snapshot plus the newest `records` transaction and saga records and what runs now.
  metrics_report report(size_t records = 100);
  /// The record of a finished transaction, while it is in the ring (observability.ring).
  std::optional<tx_record> transaction_record(uint64_t id);
  /// Records with `label`, newest first.
  std::vector<tx_record> transaction_records(const std::string& label, size_t limit = 100);
  /// Records of saga `saga_id`'s transactions (its steps, compensations and log writes, and
  /// any the application tied to it with tx_options::saga_id), newest first, while they are
  /// in the ring. Those that ran on this node only; an empty id finds none.
  std::vector<tx_record> transactions_of_saga(const std::string& saga_id, size_t limit = 100);
  /// Alert history, newest first.
  std::vector<alert> alerts();
  /// Raises an alert of the application's own (dedup applies; sinks: log and on_alert).
  void raise_alert(alert a);
  /// The dashboard's TCP port, 0 when it is off.
  uint16_t dashboard_port() const noexcept;
  /// The port of /metrics, /healthz and /readyz alone (runtime_config::metrics_endpoint), 0
  /// when it is off.
  uint16_t metrics_port() const noexcept;
  /// What /readyz answers (blocking, at most 5 s; never throws): whether the pool holds a
  /// working connection and saga recovery has caught up.
  readiness ready();

  // --- distribution (runtime_config::node, ::procedures; see node_config.hpp) --------------
  /// Runs a procedure registered on this node (runtime_config::procedures).
  tx_outcome call(const tx_options& opts, const procedure_call& call);
  /// Runs a procedure registered on peer `node` (a name in actortx.peers). Unreachable peer:
  /// FAILED with errc::node_unreachable; unknown procedure or bad arguments: FAILED with
  /// errc::unknown_procedure / invalid_argument and a message naming them. No answer within
  /// opts.timeout + 5 s, or the peer lost before it answered: IN_DOUBT (it may have committed
  /// there; retry only with an idempotency key).
  tx_outcome call_on(const std::string& node, const tx_options& opts, const procedure_call& call);
  /// Runs a script on peer `node`, like call_on.
  tx_outcome transact_on(const std::string& node, const tx_options& opts, const tx_script& script);
  /// The supervisor of peer `name`, connected on first use (TLS unless plain-tcp). For actors
  /// that send it requests themselves. Blocking; throws node_error.
  supervisor_actor node(const std::string& name);
  /// The port this node's supervisor is published on; 0 when it does not listen.
  uint16_t node_port() const noexcept;

  // --- for actors ----------------------------------------------------------------------------
  /// Send (run_atom, tx_options, tx_script | local_body) and receive a tx_outcome.
  supervisor_actor supervisor() const;
  caf::actor_system& system() noexcept;

  const runtime_config& config() const noexcept;
  /// A copy of config().defaults, to adjust per transaction.
  tx_options default_options() const { return config().transactions.defaults; }
  /// The DSN in use, password redacted.
  const std::string& redacted_dsn() const noexcept;
  /// Snapshot of the pool (blocking, 5 s timeout; query_error without an answer).
  pool_stats pool_snapshot();
  /// The transactions running now, oldest first, with their backend's current statement
  /// (blocking, 5 s timeout; query_error if the supervisor does not answer).
  std::vector<active_tx> active_transactions();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;

  // runtime_join.cpp: transact on a body's thread (propagation).
  std::optional<tx_outcome> inside_body(const tx_options& opts,
                                        const std::function<void(tx&)>& body);
  std::optional<tx_outcome> refuse_separate_without_connection(const tx_options& opts);
};

}  // namespace actortx
