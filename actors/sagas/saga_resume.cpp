// A saga actor resuming from the log (claimed by recovery, or restarted after its actor died):
// forward if the type allows and it was claimed, otherwise compensating what ran.
#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/trace_context.hpp>

#include "actors/sagas/saga_requests.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/sagas/versions_text.hpp"

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
  log(log_component::saga)
      .info("saga {} [{}]: recovering from the log ({}, mode {})", st.args.id, st.args.type,
            to_string(snap.found ? snap.state : saga_state::started),
            st.args.mode == saga_start::compensate ? "compensate" : "recover");
  if (snap.found && snap.state == saga_state::compensating) {
    st.state = saga_state::compensating;
    return start_compensation(self, st.steps.size());
  }
  size_t k = 0;
  while (k < st.steps.size() && st.steps[k].state == step_state::done) ++k;
  if (st.args.mode == saga_start::recover && def(self).forward_recovery() &&
      st.stop_reason.empty()) {
    if (k == st.steps.size()) {
      st.final_logged = false;
      return finish_committed(self);
    }
    // A step that had committed meanwhile is found by its key or its step row (XA002).
    return run_step(self, k);
  }
  if (!st.stop_reason.empty()) {
    st.error = st.stop_reason;
    st.code = st.stop_code;
  }
  if (st.error.empty()) st.error = "recovered: compensating what ran";
  progress(self, saga_state::compensating);
  resolve_then_compensate(self, k);
}

/// This node lacks the saga's type or version: another node that has it takes it (its lease is
/// given up now), or after the grace it is FAILED (saga recovery); this actor stops.
void release(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
  const auto have = versions_text(st.args.registry.get(), st.args.type, "");
  st.steps = snap.steps;
  st.ctx = std::make_shared<const saga_context>(snap.context);
  st.error = "saga type '" + st.args.type + "' version " + std::to_string(snap.version) +
             " is not registered on node " + settings(self).node_id +
             (have.empty() ? std::string{" (it has no version of it)"}
                           : " (it has version(s) " + have + ")") +
             ": left for a node that has it";
  log(log_component::saga).warn("saga {}: {}", st.args.id, st.error);
  tx_script s;
  s.add(
      "UPDATE actortx.saga SET lease_until = now() - interval '1 millisecond' "
      "WHERE id = $1 AND owner = $2",
      st.args.id, settings(self).node_id);
  s.add(
      "INSERT INTO actortx.saga_event (saga_id, by, action, reason) VALUES ($1, $2, "
      "'release', $3)",
      st.args.id, "node:" + settings(self).node_id, st.error);
  run_tx(self, st.home, settings(self).log_options, std::move(s), [=](const tx_outcome& out) {
    if (!out.committed())
      log(log_component::saga)
          .warn("saga {}: giving up its lease failed ({}); it expires", self->state.args.id,
                out.message);
    finish(self, snap.state, errc::invalid_argument);
  });
}

/// What the log says about the saga's deadline and a pending cancel.
void take_limits(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
  if (snap.deadline_ms) {
    st.deadline_ns = steady_now_ns() + std::max<int64_t>(0, *snap.deadline_ms) * 1000000;
    if (st.deadline_ns == 0) st.deadline_ns = 1;
    if (*snap.deadline_ms <= 0)
      stop_at_deadline(self);
    else
      arm_deadline(self);
  }
  if (!snap.cancel_requested.empty())
    request_stop(self, errc::rolled_back, "cancelled by " + snap.cancel_requested);
}

/// The load script with the saga row's trace id (migration 004) as its last result.
tx_script load_with_trace(const std::string& id) {
  auto s = load_script(id);
  s.add("SELECT trace_id FROM actortx.saga WHERE id = $1", id);
  return s;
}

/// A saga goes on in the trace it started in: the one its manager gave it (restarted after its
/// actor died), else the one the log keeps (claimed by recovery), else (a saga logged before
/// version 4, or before its row was written) a new one, the same for the rest of its run.
void take_trace(saga_ptr self, const tx_outcome& loaded) {
  auto& id = self->state.args.correlation_id;
  if (!id.empty()) return;
  const result_set* trace = loaded.results.size() > 2 ? &loaded.results[2] : nullptr;
  const bool logged = trace && !trace->rows.empty() && !trace->rows[0].at(0).is_null;
  id = logged ? traceparent_of_trace(trace->rows[0][0].text) : new_traceparent();
}

void resume(saga_ptr self, const saga_snapshot& snap) {
  auto& st = self->state;
  if (snap.found) {
    st.args.type = snap.type;
    st.version = snap.version;
  }
  st.def = st.args.registry ? st.args.registry->find(st.args.type, snap.found ? snap.version : 0)
                            : nullptr;
  if (!st.def) return release(self, snap);
  st.version = st.def->version();
  const auto& defs = def(self).steps();
  st.steps.resize(defs.size());
  for (size_t k = 0; k < defs.size(); ++k) st.steps[k].name = defs[k].name;
  if (snap.found) {
    st.ctx = std::make_shared<const saga_context>(snap.context);
    if (!take_logged_steps(self, snap)) return;
    st.error = snap.error;
    if (is_final(snap.state)) return finish(self, snap.state);
    take_limits(self, snap);
  }
  continue_from_log(self, snap);
}

}  // namespace

void load_and_resume(saga_ptr self) {
  auto& st = self->state;
  run_tx(self, st.home, settings(self).log_options, load_with_trace(st.args.id),
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
           take_trace(self, out);
           if (!snap.found && self->state.args.mode == saga_start::recover) {
             self->state.error = "claimed saga is not in the log";
             return finish(self, saga_state::failed, errc::invalid_argument);
           }
           resume(self, snap);
         });
}

}  // namespace actortx::saga_impl
