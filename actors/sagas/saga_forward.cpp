// A saga actor going forward: each step in its own transaction (a step on the log's database
// logs itself in it), and what a step that did not commit leads to.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/sagas/saga_requests.hpp"

namespace actortx::saga_impl {

namespace {

/// Step i committed: on to the next step, or the saga is COMMITTED. `logged`: this actor's own
/// transaction of a step on the log's database committed it, writing the pending step rows
/// (and, for the last step, the final state) with it.
void step_committed(saga_ptr self, size_t i, bool logged) {
  auto& st = self->state;
  auto& rep = st.steps[i];
  rep.state = step_state::done;
  rep.message.clear();
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

/// Whether step `i`, which did not answer "committed", ran after all is now known (`ran`).
void on_step_resolved(saga_ptr self, size_t i, bool ran, bool in_doubt, std::string error_before) {
  auto& st = self->state;
  if (ran && in_doubt) {
    log(log_component::saga)
        .info("saga {}: step '{}' did commit; going on", st.args.id, st.steps[i].name);
    st.error = std::move(error_before);
    st.code = errc::sql_error;
    progress(self, saga_state::executing);
    return reload_context(self, [=] { step_committed(self, i, false); });
  }
  if (!ran) {
    st.steps[i].state = step_state::failed;
    st.pending.push_back({i, step_state::failed});
    return start_compensation(self, i);
  }
  log(log_component::saga)
      .warn("saga {}: step '{}' committed after all; compensating it too", st.args.id,
            st.steps[i].name);
  st.steps[i].state = step_state::done;
  if (!is_local(self, i)) {
    st.pending.push_back({i, step_state::done});
    start_compensation(self, i + 1);
  } else {
    reload_context(self, [=] { start_compensation(self, i + 1); });
  }
}

/// A step did not commit: find out whether it ran after all, then compensate.
void on_step_failed(saga_ptr self, size_t i, const tx_outcome& out) {
  auto& st = self->state;
  auto& rep = st.steps[i];
  auto error_before = st.error;
  rep.message = out.message;
  st.error = "step '" + rep.name + "' failed: " + out.message;
  st.code = out.code;
  // A step whose transaction ran out of the time the saga's deadline left it: the saga's
  // deadline, whichever clock (server's statement_timeout, ours) noticed first.
  const bool out_of_time = out.state == tx_state::timeout || out.code == errc::timeout;
  if (deadline_passed(st) || (out_of_time && st.step_capped)) stop_at_deadline(self);
  if (out.sqlstate == saga_cancelled_sqlstate && st.stop_reason.empty())
    request_stop(self, errc::rolled_back, out.message);
  if (!st.stop_reason.empty()) {
    st.error = st.stop_reason + " (during step '" + rep.name + "': " + out.message + ")";
    st.code = st.stop_code;
  }
  log(log_component::saga).warn("saga {} [{}]: {}", st.args.id, st.args.type, st.error);
  progress(self, saga_state::compensating);
  // A lost COMMIT reply of a step on the log's database: it has no key for the supervisor to
  // retry it under, so the fence below tells; if it committed, the saga goes on as if the
  // reply had come (as it did when the supervisor retried it under a key).
  const bool in_doubt = out.state == tx_state::in_doubt && is_local(self, i);
  // Even a clean failure is fenced: an attempt still in flight (deadline) must not commit
  // after the saga has decided the step did not happen.
  resolve_step(self, i, [=](bool ran) { on_step_resolved(self, i, ran, in_doubt, error_before); });
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
      log(log_component::saga)
          .info("saga {}: step '{}' had committed before; going on", st.args.id, rep.name);
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

/// The shared part of body step `i`'s transaction; `saga_after`: the saga's state once it
/// committed.
std::shared_ptr<step_run> make_step_run(saga_ptr self, size_t i, bool local,
                                        saga_state saga_after) {
  auto& st = self->state;
  auto run = std::make_shared<step_run>();
  run->ident = ident_of(self);
  run->ctx = st.ctx;
  run->step = i;
  run->local = local;
  run->state = saga_after;
  const auto& rep = st.steps[i];
  if (local && (rep.compensation_attempts > 0 || !st.error.empty() || !rep.message.empty() ||
                !st.pending.empty())) {
    auto extra = std::make_unique<step_extra>();
    extra->compensation_attempts = rep.compensation_attempts;
    extra->error = st.error;
    extra->step_error = rep.message;
    for (const auto& p : st.pending) {
      auto w = make_write(self, saga_after, nullptr);
      set_step_row(self, w, p.step, p.status, false);
      extra->pending.push_back(std::move(w));
    }
    run->extra = std::move(extra);
  }
  return run;
}

/// Sends step `i`'s transaction (the log already knows what it must before it runs).
void start_step(saga_ptr self, size_t i, bool local) {
  auto& st = self->state;
  const auto& sd = def(self).steps()[i];
  const auto saga_after = i + 1 == step_count(self) ? saga_state::committed : saga_state::executing;
  progress(self, saga_state::executing);
  auto opts = step_options(self, i, false);
  if (sd.action.body()) {
    auto run = make_step_run(self, i, local, saga_after);
    run_on(self, i, std::move(opts), body_of([run](tx& t) { (*run)(t); }),
           [self, i, run](const tx_outcome& out) { on_step_done(self, i, out, run.get()); });
  } else if (const auto* call = sd.action.call()) {
    run_on(self, i, std::move(opts), (*call)(*st.ctx),
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
    run_on(self, i, std::move(opts), std::move(script),
           [self, i](const tx_outcome& out) { on_step_done(self, i, out, nullptr); });
  }
}

}  // namespace

void finish_committed(saga_ptr self) {
  progress(self, saga_state::committed);
  if (self->state.final_logged) return finish(self, saga_state::committed);
  write_log(self, saga_state::committed, [=] { finish(self, saga_state::committed); });
}

void run_step(saga_ptr self, size_t i) {
  if (stop_if_requested(self, i)) return;
  self->state.current = i;
  const bool local = is_local(self, i);
  // The log must know the saga (and every step so far) before another database sees it.
  if (!local)
    write_log(self, saga_state::executing, [self, i, local] { start_step(self, i, local); });
  else
    start_step(self, i, local);
}

}  // namespace actortx::saga_impl
