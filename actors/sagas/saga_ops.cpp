// A saga actor's durable operations: writing its log, fencing a step, reloading the context,
// retrying them after a backoff, and giving up (FAILED, or no longer the owner).
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/sagas/saga_requests.hpp"
#include "runtime/policy/retry_policy.hpp"

namespace actortx::saga_impl {

void on_peer_down(saga_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.peer.seq == 0 || st.peer.where != dm.source) return;
  auto fail = std::move(st.peer.fail);
  st.peer = {};
  const auto why = self->system().render(dm.reason);
  log(log_component::saga)
      .warn("saga {} [{}]: the node running its transaction went away ({})", st.args.id,
            st.args.type, why);
  // Did its transaction commit there? The caller asks the peer's database by the step's key.
  tx_outcome out;
  out.state = tx_state::in_doubt;
  out.code = errc::node_unreachable;
  out.message = "the node running the transaction went away before answering: " + why;
  fail(out);
}

void stop_not_owner(saga_ptr self, const tx_outcome& out) {
  self->state.error = "stopped driving the saga: " + out.message;
  log(log_component::saga)
      .warn("saga {} [{}]: {}", self->state.args.id, self->state.args.type, self->state.error);
  finish(self, self->state.state, errc::not_owner);
}

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

void write_log(saga_ptr self, saga_state state, const std::function<void()>& then) {
  auto& st = self->state;
  tx_script script;
  script.statements = log_statements(self, make_write(self, state, st.ctx.get()));
  run_tx(self, st.home, settings(self).log_options, std::move(script), [=](const tx_outcome& out) {
    auto& st = self->state;
    if (out.committed()) {
      st.pending.clear();
      st.op_failures = 0;
      then();
      return;
    }
    if (lost_ownership(out)) return stop_not_owner(self, out);
    log(log_component::saga).warn("saga {}: writing the log failed: {}", st.args.id, out.message);
    if (!retry_later(self, [=] { write_log(self, state, then); })) {
      // Without the log we cannot go on; the saga stays unfinished in the log, and recovery
      // (here after a restart, or on another node) takes it up.
      st.error = "cannot write the saga log: " + out.message;
      log(log_component::saga)
          .error("saga {} [{}]: {}; left to recovery", st.args.id, st.args.type, st.error);
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

void resolve_step(saga_ptr self, size_t step, const std::function<void(bool)>& then) {
  auto& st = self->state;
  auto opts = settings(self).log_options;
  // Library bookkeeping (tx_record::internal): the saga and step are in saga_id and the log.
  opts.label = "actortx.saga_fence";
  const bool local = is_local(self, step);
  auto script = local ? step_fence_script(st.args.id, step, def(self).steps()[step].name)
                      : fence_script(step_key(st.args.id, step, false));
  run_on(self, step, std::move(opts), std::move(script), [=](const tx_outcome& out) {
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

void reload_context(saga_ptr self, const std::function<void()>& then) {
  auto& st = self->state;
  run_tx(self, st.home, settings(self).log_options, load_script(st.args.id),
         [=](const tx_outcome& out) {
           try {
             auto snap = parse_load(out);
             if (snap.found)
               self->state.ctx = std::make_shared<const saga_context>(std::move(snap.context));
           } catch (const std::exception& e) {
             if (retry_later(self, [=] { reload_context(self, then); })) return;
             log(log_component::saga)
                 .warn("saga {}: context of a late step not reloaded: {}", self->state.args.id,
                       e.what());
           }
           self->state.op_failures = 0;
           then();
         });
}

}  // namespace actortx::saga_impl
