// A saga actor's compensation: the DONE steps undone in reverse, each compensation retried with
// backoff until it commits, or the saga is FAILED for an operator.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/sagas/saga_requests.hpp"

namespace actortx::saga_impl {

namespace {

void run_compensation(saga_ptr self);

void finish_compensated(saga_ptr self) {
  if (self->state.final_logged) return finish(self, saga_state::compensated, self->state.code);
  write_log(self, saga_state::compensated,
            [=] { finish(self, saga_state::compensated, self->state.code); });
}

/// The next step to compensate below `from_plus_one`: DONE and with a compensation.
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
    rep.message.clear();  // an earlier run's error is history now (the log keeps the attempts)
    st.op_failures = 0;
    if (!is_local(self, k)) st.pending.push_back({k, step_state::compensated});
    st.current = k;
    run_compensation(self);
    return;
  }
  if (lost_ownership(out)) return stop_not_owner(self, out);
  rep.message = out.message;
  log(log_component::saga)
      .warn("saga {} [{}]: compensation of step '{}' failed (run {}): {}", st.args.id, st.args.type,
            rep.name, rep.compensation_attempts, out.message);
  if (!retry_later(self, [=] { run_compensation(self); })) {
    rep.state = step_state::compensation_failed;
    auto why = "compensation of step '" + rep.name + "' failed " +
               std::to_string(rep.compensation_attempts) + " times; last error: " + out.message;
    st.pending.push_back({k, step_state::compensation_failed});
    fail_saga(self, std::move(why));
  }
}

/// Runs the compensation of step `k`; for a step on the log's database, its step and saga rows
/// change in the compensation's own transaction (`last`: the saga is COMPENSATED with it).
template <class F>
void run_undo(saga_ptr self, size_t k, bool last, F done) {
  auto& st = self->state;
  const auto& action = def(self).steps()[k].compensation;
  auto opts = step_options(self, k, true);
  std::vector<statement> rows;
  if (is_local(self, k)) {
    auto state = last ? saga_state::compensated : saga_state::compensating;
    rows = log_statements(self, make_write(self, state, st.ctx.get(), k, step_state::compensated));
  }
  if (const auto* body = action.body()) {
    auto fn = *body;
    auto ctx = st.ctx;
    run_on(self, k, std::move(opts), body_of([fn, ctx, rows](tx& t) {
             auto c = *ctx;  // a compensation reads the context; its changes are not kept
             fn(t, c);
             for (const auto& s : rows) t.exec_at_commit(s);  // in COMMIT's round trip
           }),
           done);
  } else if (const auto* call = action.call()) {
    run_on(self, k, std::move(opts), (*call)(*st.ctx), done);
  } else {
    auto script = (*action.script())(*st.ctx);
    for (auto& s : rows) script.statements.push_back(std::move(s));
    run_on(self, k, std::move(opts), std::move(script), done);
  }
}

/// Compensates the highest DONE step below st.current, then the next ...
void run_compensation(saga_ptr self) {
  auto& st = self->state;
  auto k = next_to_compensate(self, st.current);
  if (!k) return finish_compensated(self);
  st.current = *k + 1;  // a retry of this compensation finds the same step again
  ++st.steps[*k].compensation_attempts;
  const bool last = !next_to_compensate(self, *k);
  const bool local = is_local(self, *k);
  auto done = [=](const tx_outcome& out) {
    if (local && out.committed()) {
      self->state.pending.clear();  // written by the compensation's transaction
      self->state.final_logged = last;
    }
    on_compensated(self, *k, out);
  };
  progress(self, saga_state::compensating);
  // Before anything runs on another database, the log must know every step row so far.
  if (!local && !st.pending.empty())
    write_log(self, saga_state::compensating, [=] { run_undo(self, *k, last, done); });
  else
    run_undo(self, *k, last, done);
}

}  // namespace

void start_compensation(saga_ptr self, size_t top_plus_one) {
  auto& st = self->state;
  if (st.stop_code == errc::timeout && !st.stop_logged) {
    st.stop_logged = true;
    return log_deadline_event(self, [=] { start_compensation(self, top_plus_one); });
  }
  st.current = top_plus_one;
  st.op_failures = 0;
  st.final_logged = false;
  run_compensation(self);
}

}  // namespace actortx::saga_impl
