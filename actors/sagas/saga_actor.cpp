#include "actors/sagas/saga_actor.hpp"

#include <functional>
#include <mutex>
#include <optional>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/nodes/node_directory.hpp"
#include "messages/reply_timeout.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/retry_policy.hpp"
#include "runtime/sagas/saga_log.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// How long past a transaction's own deadline the saga waits for its outcome: the supervisor
/// answers at the deadline, so this only covers a supervisor that is gone.

/// The context is immutable once a step has left it: the actor, the supervisor's entry and
/// the transactions waiting for a connection share one copy instead of holding one each.
using context_ptr = std::shared_ptr<const saga_context>;

/// What a step's transaction needs to know about its saga to write the log itself; one per
/// saga, shared by its steps' transactions.
struct saga_ident {
  std::string id;
  std::string type;
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

  void operator()(tx& t) {
    const auto& sd = ident->def->steps()[step];
    auto c = *ctx;
    (*sd.action.body())(t, c);
    if (local) {
      if (extra)
        for (auto w : extra->pending) {
          w.context = &c;
          t.exec(saga_write_statement(w));
        }
      // The step's own transaction logs it: its effects and "step is DONE" commit together.
      // The saga row keeps the context the last step left (which recovery and compensation
      // read): rewritten only when this step changed it (pending rows above write it too), or
      // at the end; otherwise only its owner is checked (saga_step_done).
      const bool write_saga = state == saga_state::committed || !(c == *ctx);
      saga_write w;
      w.id = ident->id;
      w.type = ident->type;
      w.state = state;
      w.context = &c;
      w.owner = ident->settings->node_id;
      w.lease = ident->settings->lease;
      w.step = static_cast<int32_t>(step);
      w.step_name = sd.name;
      w.step_status = step_state::done;
      w.attempts = -1;  // the function takes it from the transaction's application_name
      if (extra) {
        w.error = extra->error;
        w.compensation_attempts = extra->compensation_attempts;
        w.step_error = extra->step_error;
      }
      t.exec(step_done_statement(w, write_saga));
    }
    std::lock_guard<std::mutex> guard{mtx};
    result = std::move(c);
  }
};

struct saga_actor_state {
  saga_args args;
  std::shared_ptr<const saga_definition> def;  // null: the type is unknown on this node
  supervisor_impl_actor home;
  context_ptr ctx;                          // never null
  std::shared_ptr<const saga_ident> ident;  // made when the first step runs
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

/// splitmix64 (Steele, Lea, Flood 2014) mapped to [0, 1): 8 bytes of state per saga.
double next_uniform01(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

local_body body_of(std::function<void(tx&)> fn) {
  return local_body{std::make_shared<body_state>(std::move(fn))};
}

const saga_settings& settings(saga_ptr self) {
  return *self->state.args.settings;
}
const saga_definition& def(saga_ptr self) {
  return *self->state.def;
}
size_t step_count(saga_ptr self) {
  return def(self).steps().size();
}

/// The peer node the step runs on, or "" for this node (or options.on).
const std::string& peer_node(saga_ptr self, size_t step) {
  static const std::string none;
  const auto& n = def(self).steps()[step].options.node;
  return n == settings(self).node_id ? none : n;
}
supervisor_actor target(saga_ptr self, size_t step) {
  const auto& on = def(self).steps()[step].options.on;
  return on ? on : caf::actor_cast<supervisor_actor>(self->state.home);
}
/// The step runs on the log's database and writes its log row itself. A procedure call cannot
/// append the row, so it is keyed like a step elsewhere even on this node.
bool is_local(saga_ptr self, size_t step) {
  const auto& sd = def(self).steps()[step];
  return !sd.options.on && peer_node(self, step).empty() && !sd.action.call();
}

tx_options step_options(saga_ptr self, size_t step, bool compensation) {
  const auto& sd = def(self).steps()[step];
  tx_options o = sd.options.tx ? *sd.options.tx : settings(self).step_defaults;
  o.read_only = false;
  o.label = self->state.args.type + "/" + sd.name + (compensation ? "/undo" : "");
  // A step on the log's database needs no key: its step row, which its transaction inserts
  // and a fence inserts if it is missing, is its key (one row written instead of two).
  if (compensation || !is_local(self, step))
    o.idempotency_key = step_key(self->state.args.id, step, compensation);
  return o;
}

/// Sets `w`'s step row from what the actor knows of step `step`. `written_by_step`: the row
/// goes into the step's own transaction, whose attempt number the database knows best.
void set_step_row(saga_ptr self, saga_write& w, size_t step, step_state status,
                  bool written_by_step) {
  const auto& rep = self->state.steps[step];
  w.step = static_cast<int32_t>(step);
  w.step_name = rep.name;
  w.step_status = status;
  // -1: the function takes the attempt number from the transaction's application_name.
  w.attempts = written_by_step ? -1 : static_cast<int32_t>(rep.attempts);
  w.compensation_attempts = rep.compensation_attempts;
  w.step_error = rep.error;
}

/// A log write with the current saga row and, optionally, one step row.
saga_write make_write(saga_ptr self, saga_state state, const saga_context* ctx,
                      std::optional<size_t> step = std::nullopt,
                      step_state status = step_state::done) {
  auto& st = self->state;
  saga_write w;
  w.id = st.args.id;
  w.type = st.args.type;
  w.state = state;
  w.context = ctx;
  w.owner = settings(self).node_id;
  w.lease = settings(self).lease;
  w.error = st.error;
  if (step) set_step_row(self, w, *step, status, status == step_state::done);
  return w;
}

/// The rows of steps that ran elsewhere and are not logged yet, then `main`.
std::vector<statement> log_statements(saga_ptr self, const saga_write& main) {
  std::vector<statement> out;
  for (const auto& p : self->state.pending) {
    auto w = main;
    set_step_row(self, w, p.step, p.status, false);
    out.push_back(saga_write_statement(w));
  }
  out.push_back(saga_write_statement(main));
  return out;
}

void progress(saga_ptr self, saga_state s) {
  auto& st = self->state;
  st.state = s;
  saga_info info;
  info.id = st.args.id;
  info.type = st.args.type;
  info.state = s;
  info.step = static_cast<uint32_t>(st.current);
  self->send(st.home, saga_step_atom::value, std::move(info));
}

void finish(saga_ptr self, saga_state s, errc code = errc::sql_error) {
  auto& st = self->state;
  saga_outcome out;
  out.id = st.args.id;
  out.type = st.args.type;
  out.state = s;
  out.steps = st.steps;
  out.context = *st.ctx;
  out.code = s == saga_state::committed ? errc::sql_error : code;
  out.error = st.error;
  out.recovered = st.args.mode != saga_start::fresh;
  out.duration = std::chrono::microseconds{(steady_now_ns() - st.started_ns) / 1000};
  if (s == saga_state::failed)
    log().error("saga {} [{}] FAILED and needs an operator: {}", out.id, out.type, out.error);
  else if (s == saga_state::compensated)
    log().warn("saga {} [{}] COMPENSATED: {}", out.id, out.type, out.error);
  else
    log().debug("saga {} [{}] {}", out.id, out.type, to_string(s));
  self->send(st.home, saga_done_atom::value, std::move(out));
  self->quit();
}

tx_outcome no_outcome(const std::string& label, tx_state state, errc code, std::string why) {
  tx_outcome out;
  out.label = label;
  out.state = state;
  out.code = code;
  out.message = std::move(why);
  return out;
}

/// Runs a transaction through `where`; every failure to get an answer becomes an outcome.
template <class Work, class F>
void run_tx(saga_ptr self, supervisor_actor where, const tx_options& opts, Work work, F on_done) {
  auto& st = self->state;
  const bool peer = where.address() != st.home.address();
  uint64_t seq = 0;
  if (peer) {
    seq = ++st.next_seq;
    st.peer.seq = seq;
    st.peer.where = where.address();
    st.peer.fail = on_done;
  }
  // A reply to a request the down handler failed already is dropped.
  auto current = [self, seq] {
    if (seq == 0) return true;
    if (self->state.peer.seq != seq) return false;
    self->state.peer = {};
    return true;
  };
  // The handlers live as long as the transaction waits: they keep the label, not all opts.
  self->request(where, reply_timeout(opts, reply_grace), run_atom::value, opts, std::move(work))
      .then(
          [on_done, current](tx_outcome& out) mutable {
            if (current()) on_done(out);
          },
          [self, on_done, current, label = opts.label](caf::error& err) mutable {
            if (!current()) return;
            // No answer is no proof that it did not commit: the step is in doubt, and the
            // saga resolves it by the step's key like a lost COMMIT reply.
            const bool timeout = err == caf::sec::request_timeout;
            on_done(no_outcome(label, tx_state::in_doubt,
                               timeout ? errc::timeout : errc::attempt_crashed,
                               "no outcome from the supervisor: " + self->system().render(err)));
          });
}

/// Runs a transaction where step `step` runs: this node, options.on, or a peer node (connected
/// through the node directory and watched, so that its loss fails the request at once).
template <class Work, class F>
void run_on(saga_ptr self, size_t step, const tx_options& opts, Work work, F on_done) {
  const auto& node = peer_node(self, step);
  if (node.empty()) return run_tx(self, target(self, step), opts, std::move(work), on_done);
  const auto& nodes = settings(self).nodes;
  if (!nodes)
    return on_done(no_outcome(
        opts.label, tx_state::failed, errc::node_unreachable,
        "step runs on node '" + node + "', but this runtime has no peers (actortx.peers)"));
  self->request(nodes, settings(self).connect_timeout + reply_grace, connect_atom::value, node)
      .then(
          [self, opts, work, on_done](supervisor_actor& where) mutable {
            self->monitor(where);
            run_tx(self, where, opts, std::move(work), on_done);
          },
          [self, on_done, label = opts.label](caf::error& err) mutable {
            on_done(no_outcome(label, tx_state::failed, errc::node_unreachable,
                               reason_of(self->system(), err)));
          });
}

/// A peer (node or runtime) a request is waiting on went away: that request fails now. Did
/// its transaction commit there? The caller asks the peer's database by the step's key.
void on_peer_down(saga_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.peer.seq == 0 || st.peer.where != dm.source) return;
  auto fail = std::move(st.peer.fail);
  st.peer = {};
  log().warn("saga {} [{}]: the node running its transaction went away ({})", st.args.id,
             st.args.type, self->system().render(dm.reason));
  fail(no_outcome("", tx_state::in_doubt, errc::node_unreachable,
                  "the node running the transaction went away before answering: " +
                      self->system().render(dm.reason)));
}

bool lost_ownership(const tx_outcome& out) {
  return out.sqlstate == saga_not_owner_sqlstate;
}

void stop_not_owner(saga_ptr self, const tx_outcome& out) {
  self->state.error = "stopped driving the saga: " + out.message;
  log().warn("saga {} [{}]: {}", self->state.args.id, self->state.args.type, self->state.error);
  finish(self, self->state.state, errc::not_owner);
}

/// Schedules `again` after the compensation policy's backoff, or returns false when its
/// retries are used up.
bool retry_later(saga_ptr self, std::function<void()> again) {
  auto& st = self->state;
  const auto p =
      st.def ? st.def->compensation_policy() : saga_definition::default_compensation_retry();
  ++st.op_failures;
  if (!may_retry(p, st.op_failures)) return false;
  auto delay = jittered_delay(p, st.op_failures, next_uniform01(st.jitter));
  st.retry = std::move(again);
  self->delayed_send(self, delay, retry_atom::value);
  return true;
}

void fail_saga(saga_ptr self, std::string why);

/// Writes the saga row in `state` (and the pending step rows) in a transaction of its own.
void write_log(saga_ptr self, saga_state state, std::function<void()> then) {
  auto& st = self->state;
  tx_script script;
  script.statements = log_statements(self, make_write(self, state, st.ctx.get()));
  run_tx(self, caf::actor_cast<supervisor_actor>(st.home), settings(self).log_options,
         std::move(script), [=](const tx_outcome& out) {
           auto& st = self->state;
           if (out.committed()) {
             st.pending.clear();
             st.op_failures = 0;
             then();
             return;
           }
           if (lost_ownership(out)) return stop_not_owner(self, out);
           log().warn("saga {}: writing the log failed: {}", st.args.id, out.message);
           if (!retry_later(self, [=] { write_log(self, state, then); })) {
             // Without the log we cannot go on; the saga stays unfinished in the log, and
             // recovery (here after a restart, or on another node) takes it up.
             st.error = "cannot write the saga log: " + out.message;
             log().error("saga {} [{}]: {}; left to recovery", st.args.id, st.args.type, st.error);
             finish(self, saga_state::failed, errc::connection_failed);
           }
         });
}

void fail_saga(saga_ptr self, std::string why) {
  auto& st = self->state;
  st.error = std::move(why);
  st.op_failures = 0;
  progress(self, saga_state::failed);
  write_log(self, saga_state::failed,
            [=] { finish(self, saga_state::failed, errc::compensation_failed); });
}

/// Asks the step's database whether its action committed, fencing it if it did not.
void resolve_step(saga_ptr self, size_t step, std::function<void(bool)> then) {
  auto& st = self->state;
  auto opts = settings(self).log_options;
  opts.label = st.args.type + "/" + st.steps[step].name + "/fence";
  const bool local = is_local(self, step);
  auto script = local ? step_fence_script(st.args.id, step, def(self).steps()[step].name)
                      : fence_script(step_key(st.args.id, step, false));
  run_on(self, step, opts, std::move(script), [=](const tx_outcome& out) {
    auto ran = local ? step_fence_result(out) : fence_result(out);
    if (ran) {
      self->state.op_failures = 0;
      then(*ran);
      return;
    }
    if (!retry_later(self, [=] { resolve_step(self, step, then); }))
      fail_saga(self, "cannot tell whether step '" + self->state.steps[step].name +
                          "' ran (its database does not answer): " + out.message);
  });
}

/// A step on the log's database that turned out to have run wrote its context with its log
/// row, in its own transaction: read it back, the compensation may need it.
void reload_context(saga_ptr self, std::function<void()> then) {
  auto& st = self->state;
  run_tx(self, caf::actor_cast<supervisor_actor>(st.home), settings(self).log_options,
         load_script(st.args.id), [=](const tx_outcome& out) {
           try {
             auto snap = parse_load(out);
             if (snap.found)
               self->state.ctx = std::make_shared<const saga_context>(std::move(snap.context));
           } catch (const std::exception& e) {
             if (retry_later(self, [=] { reload_context(self, then); })) return;
             log().warn("saga {}: context of a late step not reloaded: {}", self->state.args.id,
                        e.what());
           }
           self->state.op_failures = 0;
           then();
         });
}

// --- compensation ----------------------------------------------------------------------------

void run_compensation(saga_ptr self);

void finish_compensated(saga_ptr self) {
  if (self->state.final_logged) return finish(self, saga_state::compensated, self->state.code);
  write_log(self, saga_state::compensated,
            [=] { finish(self, saga_state::compensated, self->state.code); });
}

/// The next step to compensate at or below `from`: DONE and with a compensation.
std::optional<size_t> next_to_compensate(saga_ptr self, size_t from_plus_one) {
  for (size_t k = from_plus_one; k-- > 0;) {
    if (self->state.steps[k].state == step_state::done &&
        !def(self).steps()[k].compensation.empty())
      return k;
  }
  return std::nullopt;
}

void on_compensated(saga_ptr self, size_t k, const tx_outcome& out) {
  auto& st = self->state;
  auto& rep = st.steps[k];
  if (out.committed()) {
    rep.state = step_state::compensated;
    st.op_failures = 0;
    if (!is_local(self, k)) st.pending.push_back({k, step_state::compensated});
    st.current = k;
    run_compensation(self);
    return;
  }
  if (lost_ownership(out)) return stop_not_owner(self, out);
  rep.error = out.message;
  log().warn("saga {} [{}]: compensation of step '{}' failed (run {}): {}", st.args.id,
             st.args.type, rep.name, rep.compensation_attempts, out.message);
  if (!retry_later(self, [=] { run_compensation(self); })) {
    rep.state = step_state::compensation_failed;
    auto why = "compensation of step '" + rep.name + "' failed " +
               std::to_string(rep.compensation_attempts) + " times; last error: " + out.message;
    st.pending.push_back({k, step_state::compensation_failed});
    fail_saga(self, std::move(why));
  }
}

/// Compensates the highest DONE step below st.current (+1 on entry), then the next ...
void run_compensation(saga_ptr self) {
  auto& st = self->state;
  auto k = next_to_compensate(self, st.current);
  if (!k) return finish_compensated(self);
  st.current = *k + 1;  // a retry of this compensation finds the same step again
  auto& rep = st.steps[*k];
  ++rep.compensation_attempts;
  const auto& action = def(self).steps()[*k].compensation;
  auto opts = step_options(self, *k, true);
  const bool last = !next_to_compensate(self, *k);
  const bool local = is_local(self, *k);
  auto done = [=](const tx_outcome& out) {
    if (local && out.committed()) {
      self->state.pending.clear();  // written by the compensation's transaction
      self->state.final_logged = last;
    }
    on_compensated(self, *k, out);
  };
  auto start = [=] {
    auto& st = self->state;
    std::vector<statement> rows;
    if (local) {
      // The step row and saga row change in the compensation's own transaction.
      auto state = last ? saga_state::compensated : saga_state::compensating;
      rows =
          log_statements(self, make_write(self, state, st.ctx.get(), *k, step_state::compensated));
    }
    if (const auto* body = action.body()) {
      auto fn = *body;
      auto ctx = st.ctx;
      run_on(self, *k, opts, body_of([fn, ctx, rows](tx& t) {
               auto c = *ctx;  // a compensation reads the context; its changes are not kept
               fn(t, c);
               for (const auto& s : rows) t.exec(s);
             }),
             done);
    } else if (const auto* call = action.call()) {
      run_on(self, *k, opts, (*call)(*st.ctx), done);
    } else {
      auto script = (*action.script())(*st.ctx);
      for (auto& s : rows) script.statements.push_back(std::move(s));
      run_on(self, *k, opts, std::move(script), done);
    }
  };
  progress(self, saga_state::compensating);
  // Before anything runs on another database, the log must know every step row so far.
  if (!local && !st.pending.empty())
    write_log(self, saga_state::compensating, start);
  else
    start();
}

/// Compensates every DONE step at or below `top`, highest first.
void start_compensation(saga_ptr self, size_t top_plus_one) {
  auto& st = self->state;
  st.current = top_plus_one;
  st.op_failures = 0;
  st.final_logged = false;
  run_compensation(self);
}

// --- forward ---------------------------------------------------------------------------------

void run_step(saga_ptr self, size_t i);

void finish_committed(saga_ptr self) {
  progress(self, saga_state::committed);
  if (self->state.final_logged) return finish(self, saga_state::committed);
  write_log(self, saga_state::committed, [=] { finish(self, saga_state::committed); });
}

/// Step i committed: on to the next step, or the saga is COMMITTED. `logged`: this actor's own
/// transaction of a step on the log's database committed it, writing the pending step rows
/// (and, for the last step, the final state) with it.
void step_committed(saga_ptr self, size_t i, bool logged) {
  auto& st = self->state;
  auto& rep = st.steps[i];
  rep.state = step_state::done;
  rep.error.clear();
  const bool last = i + 1 == step_count(self);
  if (!is_local(self, i)) {
    st.pending.push_back({i, step_state::done});
    st.final_logged = false;
  } else if (logged) {
    st.pending.clear();
    st.final_logged = last;
  } else {
    st.final_logged = false;
  }
  if (last) return finish_committed(self);
  run_step(self, i + 1);
}

/// A step did not commit: find out whether it ran after all, then compensate.
void on_step_failed(saga_ptr self, size_t i, const tx_outcome& out) {
  auto& st = self->state;
  auto& rep = st.steps[i];
  auto error_before = st.error;
  rep.error = out.message;
  st.error = "step '" + rep.name + "' failed: " + out.message;
  st.code = out.code;
  log().warn("saga {} [{}]: {}", st.args.id, st.args.type, st.error);
  progress(self, saga_state::compensating);
  // A lost COMMIT reply of a step on the log's database: it has no key for the supervisor to
  // retry it under, so the fence below tells; if it committed, the saga goes on as if the
  // reply had come (as it did when the supervisor retried it under a key).
  const bool in_doubt = out.state == tx_state::in_doubt && is_local(self, i);
  // Even a clean failure is fenced: an attempt still in flight (deadline) must not commit
  // after the saga has decided the step did not happen.
  resolve_step(self, i, [=](bool ran) {
    auto& st = self->state;
    if (ran && in_doubt) {
      log().info("saga {}: step '{}' did commit; going on", st.args.id, st.steps[i].name);
      st.error = error_before;
      st.code = errc::sql_error;
      progress(self, saga_state::executing);
      return reload_context(self, [=] { step_committed(self, i, false); });
    }
    if (ran) {
      log().warn("saga {}: step '{}' committed after all; compensating it too", st.args.id,
                 st.steps[i].name);
      st.steps[i].state = step_state::done;
      if (!is_local(self, i)) {
        st.pending.push_back({i, step_state::done});
        start_compensation(self, i + 1);
      } else {
        reload_context(self, [=] { start_compensation(self, i + 1); });
      }
    } else {
      st.steps[i].state = step_state::failed;
      st.pending.push_back({i, step_state::failed});
      start_compensation(self, i);
    }
  });
}

/// `run`: the body step's shared part (null for a script step).
void on_step_done(saga_ptr self, size_t i, const tx_outcome& out, step_run* run) {
  auto& st = self->state;
  auto& rep = st.steps[i];
  rep.attempts += out.attempts;
  if (!out.committed()) {
    if (lost_ownership(out)) return stop_not_owner(self, out);
    if (out.sqlstate == saga_step_ran_sqlstate) {
      // Its row is there: an earlier transaction of the step committed (e.g. one of the node
      // that drove the saga before). It ran once, and this run rolled back: go on from the
      // context that one left.
      log().info("saga {}: step '{}' had committed before; going on", st.args.id, rep.name);
      return reload_context(self, [=] { step_committed(self, i, false); });
    }
    return on_step_failed(self, i, out);
  }
  if (run && !out.deduplicated) {
    std::lock_guard<std::mutex> guard{run->mtx};
    st.ctx = std::make_shared<const saga_context>(std::move(run->result));
  }
  step_committed(self, i, true);
}

const std::shared_ptr<const saga_ident>& ident_of(saga_ptr self) {
  auto& st = self->state;
  if (!st.ident)
    st.ident = std::make_shared<const saga_ident>(
        saga_ident{st.args.id, st.args.type, st.args.settings, st.def});
  return st.ident;
}

void run_step(saga_ptr self, size_t i) {
  auto& st = self->state;
  st.current = i;
  const bool local = is_local(self, i);
  auto start = [self, i, local] {
    auto& st = self->state;
    const auto& sd = def(self).steps()[i];
    const auto saga_after =
        i + 1 == step_count(self) ? saga_state::committed : saga_state::executing;
    progress(self, saga_state::executing);
    auto opts = step_options(self, i, false);
    if (sd.action.body()) {
      auto run = std::make_shared<step_run>();
      run->ident = ident_of(self);
      run->ctx = st.ctx;
      run->step = i;
      run->local = local;
      run->state = saga_after;
      const auto& rep = st.steps[i];
      if (local && (rep.compensation_attempts > 0 || !st.error.empty() || !rep.error.empty() ||
                    !st.pending.empty())) {
        auto extra = std::make_unique<step_extra>();
        extra->compensation_attempts = rep.compensation_attempts;
        extra->error = st.error;
        extra->step_error = rep.error;
        for (const auto& p : st.pending) {
          auto w = make_write(self, saga_after, nullptr);
          set_step_row(self, w, p.step, p.status, false);
          extra->pending.push_back(std::move(w));
        }
        run->extra = std::move(extra);
      }
      run_on(self, i, opts, body_of([run](tx& t) { (*run)(t); }),
             [self, i, run](const tx_outcome& out) { on_step_done(self, i, out, run.get()); });
    } else if (const auto* call = sd.action.call()) {
      run_on(self, i, opts, (*call)(*st.ctx),
             [self, i](const tx_outcome& out) { on_step_done(self, i, out, nullptr); });
    } else {
      auto script = (*sd.action.script())(*st.ctx);
      if (local) {
        // A script cannot change the context: the saga row changes only at the end.
        auto main = make_write(self, saga_after, st.ctx.get(), i);
        auto rows = log_statements(self, main);
        rows.back() = step_done_statement(main, saga_after == saga_state::committed);
        for (auto& s : rows) script.statements.push_back(std::move(s));
      }
      run_on(self, i, opts, std::move(script),
             [self, i](const tx_outcome& out) { on_step_done(self, i, out, nullptr); });
    }
  };
  if (!local) {
    // The log must know the saga (and every step so far) before another database sees it.
    write_log(self, saga_state::executing, start);
  } else {
    start();
  }
}

// --- recovery --------------------------------------------------------------------------------

/// Resolves steps from `k` on (they may have run without the log knowing): each that ran is
/// DONE; the first that did not is fenced; then compensate, or commit if all had run.
void resolve_then_compensate(saga_ptr self, size_t k) {
  if (k == step_count(self)) {
    self->state.final_logged = false;
    return finish_committed(self);
  }
  resolve_step(self, k, [=](bool ran) {
    if (!ran) return start_compensation(self, k);
    self->state.steps[k].state = step_state::done;
    if (!is_local(self, k)) {
      self->state.pending.push_back({k, step_state::done});
      resolve_then_compensate(self, k + 1);
    } else {
      reload_context(self, [=] { resolve_then_compensate(self, k + 1); });
    }
  });
}

void resume(saga_ptr self, saga_snapshot snap) {
  auto& st = self->state;
  const auto& node = settings(self).node_id;
  if (snap.found) st.args.type = snap.type;
  st.def = st.args.registry ? st.args.registry->find(st.args.type) : nullptr;
  if (!st.def) {
    st.steps = snap.steps;
    st.ctx = std::make_shared<const saga_context>(snap.context);
    auto known = st.args.registry ? st.args.registry->names() : std::vector<std::string>{};
    return fail_saga(self, "saga type '" + st.args.type + "' is not registered on node " + node +
                               " (it knows: " + join_names(known) + ")");
  }
  const auto& defs = def(self).steps();
  st.steps.resize(defs.size());
  for (size_t k = 0; k < defs.size(); ++k) st.steps[k].name = defs[k].name;
  if (snap.found) {
    st.ctx = std::make_shared<const saga_context>(snap.context);
    for (size_t k = 0; k < snap.steps.size(); ++k) {
      const auto& logged = snap.steps[k];
      if (logged.name.empty()) continue;  // a gap: never logged
      if (k >= defs.size() || defs[k].name != logged.name) {
        st.steps = snap.steps;
        return fail_saga(self, "step '" + logged.name + "' (number " + std::to_string(k + 1) +
                                   ") of saga type '" + st.args.type + "' is not defined on node " +
                                   node);
      }
      st.steps[k] = logged;
    }
    st.error = snap.error;
    if (is_final(snap.state)) return finish(self, snap.state);
  }
  log().info("saga {} [{}]: recovering from the log ({}, mode {})", st.args.id, st.args.type,
             to_string(snap.found ? snap.state : saga_state::started),
             st.args.mode == saga_start::compensate ? "compensate" : "recover");
  if (snap.found && snap.state == saga_state::compensating) {
    st.state = saga_state::compensating;
    return start_compensation(self, st.steps.size());
  }
  size_t k = 0;
  while (k < st.steps.size() && st.steps[k].state == step_state::done) ++k;
  if (st.args.mode == saga_start::recover && def(self).forward_recovery()) {
    if (k == st.steps.size()) {
      st.final_logged = false;
      return finish_committed(self);
    }
    // A step that had committed meanwhile is found by its key or its step row (XA002).
    return run_step(self, k);
  }
  if (st.error.empty()) st.error = "recovered: compensating what ran";
  progress(self, saga_state::compensating);
  resolve_then_compensate(self, k);
}

void load_and_resume(saga_ptr self) {
  auto& st = self->state;
  run_tx(self, caf::actor_cast<supervisor_actor>(st.home), settings(self).log_options,
         load_script(st.args.id), [=](const tx_outcome& out) {
           saga_snapshot snap;
           try {
             snap = parse_load(out);
           } catch (const std::exception& e) {
             if (!retry_later(self, [=] { load_and_resume(self); })) {
               self->state.error = std::string{"cannot load the saga from the log: "} + e.what();
               finish(self, saga_state::failed, errc::connection_failed);
             }
             return;
           }
           self->state.op_failures = 0;
           if (!snap.found && self->state.args.mode == saga_start::recover) {
             self->state.error = "claimed saga is not in the log";
             return finish(self, saga_state::failed, errc::invalid_argument);
           }
           resume(self, std::move(snap));
         });
}

saga_actor::behavior_type saga_fn(saga_ptr self, supervisor_impl_actor home, saga_args args) {
  auto& st = self->state;
  st.home = std::move(home);
  st.args = std::move(args);
  st.ctx = st.args.context ? std::move(st.args.context) : std::make_shared<const saga_context>();
  st.started_ns = steady_now_ns();
  // Sagas that fail together (a database going away) must not retry in step: seed from the
  // id, which differs per saga, and the clock, which differs per run.
  st.jitter = std::hash<std::string>{}(st.args.id) ^ static_cast<uint64_t>(st.started_ns);
  self->set_down_handler([self](caf::down_msg& dm) { on_peer_down(self, dm); });
  if (st.args.mode == saga_start::fresh) {
    // Steps often need the id (e.g. to tag what they wrote); it is part of the context. The
    // supervisor puts it there (its copy, kept for a restart, has it too), other callers may not.
    if (!st.ctx->has(saga_id_key) || st.ctx->get(saga_id_key) != st.args.id) {
      auto c = *st.ctx;
      c.set(saga_id_key, st.args.id);
      st.ctx = std::make_shared<const saga_context>(std::move(c));
    }
    st.def = st.args.registry->find(st.args.type);
    const auto& defs = def(self).steps();
    st.steps.resize(defs.size());
    for (size_t k = 0; k < defs.size(); ++k) st.steps[k].name = defs[k].name;
    run_step(self, 0);
  } else {
    load_and_resume(self);
  }
  return {
      [=](retry_atom) {
        auto again = std::move(self->state.retry);
        self->state.retry = nullptr;
        if (again) again();
      },
  };
}

}  // namespace

saga_actor spawn_saga(caf::local_actor* sup, supervisor_impl_actor home, saga_args args) {
  return sup->spawn<caf::monitored>(saga_fn, std::move(home), std::move(args));
}

}  // namespace actortx
