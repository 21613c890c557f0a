// A saga actor resuming from the log (claimed by recovery, or restarted after its actor died):
// forward if the type allows and it was claimed, otherwise compensating what ran.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/sagas/saga_requests.hpp"
#include "runtime/policy/text.hpp"

namespace actortx::saga_impl {

namespace {

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

/// Takes the logged steps into the actor's reports. False (and the saga FAILED) when the log
/// names a step this node's definition of the type does not have.
bool take_logged_steps(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
  const auto& defs = def(self).steps();
  for (size_t k = 0; k < snap.steps.size(); ++k) {
    const auto& logged = snap.steps[k];
    if (logged.name.empty()) continue;  // a gap: never logged
    if (k >= defs.size() || defs[k].name != logged.name) {
      st.steps = snap.steps;
      fail_saga(self, "step '" + logged.name + "' (number " + std::to_string(k + 1) +
                          ") of saga type '" + st.args.type + "' is not defined on node " +
                          settings(self).node_id);
      return false;
    }
    st.steps[k] = logged;
  }
  return true;
}

/// Goes on from what the log says (not final): forward if the type recovers forward and the
/// saga was claimed, otherwise compensating what ran.
void continue_from_log(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
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

void resume(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
  if (snap.found) st.args.type = snap.type;
  st.def = st.args.registry ? st.args.registry->find(st.args.type) : nullptr;
  if (!st.def) {
    st.steps = snap.steps;
    st.ctx = std::make_shared<const saga_context>(snap.context);
    auto known = st.args.registry ? st.args.registry->names() : std::vector<std::string>{};
    return fail_saga(self, "saga type '" + st.args.type + "' is not registered on node " +
                               settings(self).node_id + " (it knows: " + join_names(known) + ")");
  }
  const auto& defs = def(self).steps();
  st.steps.resize(defs.size());
  for (size_t k = 0; k < defs.size(); ++k) st.steps[k].name = defs[k].name;
  if (snap.found) {
    st.ctx = std::make_shared<const saga_context>(snap.context);
    if (!take_logged_steps(self, snap)) return;
    st.error = snap.error;
    if (is_final(snap.state)) return finish(self, snap.state);
  }
  continue_from_log(self, snap);
}

}  // namespace

void load_and_resume(saga_ptr self) {
  auto& st = self->state;
  run_tx(self, st.home, settings(self).log_options, load_script(st.args.id),
         [=](const tx_outcome& out) {
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
           resume(self, snap);
         });
}

}  // namespace actortx::saga_impl
