#include "actors/sagas/saga_actor.hpp"

#include <functional>

#include <caf/all.hpp>

#include "actors/sagas/saga_actor_state.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

using namespace saga_impl;

/// A fresh saga: its id in the context, its steps from the definition, then the first step.
void start_fresh(saga_ptr self) {
  auto& st = self->state;
  // Steps often need the id (e.g. to tag what they wrote); it is part of the context. The
  // saga manager puts it there (its copy, kept for a restart, has it too), others may not.
  if (!st.ctx->has(saga_id_key) || st.ctx->get(saga_id_key) != st.args.id) {
    auto c = *st.ctx;
    c.set(saga_id_key, st.args.id);
    st.ctx = std::make_shared<const saga_context>(std::move(c));
  }
  st.def = st.args.registry->find(st.args.type, st.args.version);
  st.version = st.def->version();
  st.deadline_ns = st.args.deadline_ns;
  arm_deadline(self);
  const auto& defs = def(self).steps();
  st.steps.resize(defs.size());
  for (size_t k = 0; k < defs.size(); ++k) st.steps[k].name = defs[k].name;
  run_step(self, 0);
}

saga_actor::behavior_type saga_fn(saga_ptr self, saga_manager_actor host, supervisor_actor home,
                                  saga_args args) {
  auto& st = self->state;
  st.host = std::move(host);
  st.home = std::move(home);
  st.args = std::move(args);
  st.ctx = st.args.context ? std::move(st.args.context) : std::make_shared<const saga_context>();
  st.started_ns = steady_now_ns();
  // Sagas that fail together (a database going away) must not retry in step: seed from the
  // id, which differs per saga, and the clock, which differs per run.
  st.jitter = std::hash<std::string>{}(st.args.id) ^ static_cast<uint64_t>(st.started_ns);
  self->set_down_handler([self](caf::down_msg& dm) { on_peer_down(self, dm); });
  if (st.args.mode == saga_start::fresh)
    start_fresh(self);
  else
    load_and_resume(self);
  return {
      [=](retry_atom) {
        auto again = std::move(self->state.retry);
        self->state.retry = nullptr;
        if (again) again();
      },
      [=](deadline_atom) { stop_at_deadline(self); },
      [=](cancel_atom, std::string& why) {
        request_stop(self, errc::rolled_back, "cancelled by " + why);
      },
  };
}

}  // namespace

saga_actor spawn_saga(caf::local_actor* host, saga_manager_actor host_handle, supervisor_actor home,
                      saga_args args) {
  return host->spawn<caf::monitored>(saga_fn, std::move(host_handle), std::move(home),
                                     std::move(args));
}

}  // namespace actortx
