#include "actors/supervisor/supervisor_sagas.hpp"

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "runtime/observability/metrics_records.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// A dead saga actor is restarted (in compensation mode) this often; then the saga is left to
/// recovery rather than crash-looping here.
constexpr uint32_t max_restarts = 3;

saga_outcome refused(const saga_request& req, errc code, std::string why) {
  saga_outcome out;
  out.id = req.id;
  out.type = req.type;
  out.state = saga_state::failed;
  out.code = code;
  out.error = std::move(why);
  return out;
}

void spawn_for(sup_ptr self, const std::string& id, saga_entry& e, saga_start mode) {
  auto& st = self->state;
  saga_args args;
  args.id = id;
  args.type = e.type;
  args.context = e.initial;
  args.registry = st.cfg.sagas;
  args.mode = mode;
  args.settings = st.cfg.saga;
  e.actor = spawn_saga(self, caf::actor_cast<supervisor_impl_actor>(self), std::move(args));
  st.saga_children[e.actor.address()] = id;
}

}  // namespace

caf::result<saga_outcome> accept_saga(sup_ptr self, saga_request req) {
  auto& st = self->state;
  if (!st.cfg.sagas || !st.cfg.saga)
    return refused(req, errc::invalid_argument, "this runtime was started without sagas");
  if (req.id.empty()) req.id = make_saga_id(st.rng);
  auto bad = check_saga_id(req.id);
  if (!bad.empty()) return refused(req, errc::invalid_argument, bad);
  if (!st.cfg.sagas->find(req.type)) {
    return refused(req, errc::invalid_argument,
                   "unknown saga type '" + req.type +
                       "' (this node knows: " + join_names(st.cfg.sagas->names()) + ")");
  }
  if (st.sagas.count(req.id) > 0)
    return refused(req, errc::invalid_argument, "saga " + req.id + " is running already");
  auto rp = self->make_response_promise<saga_outcome>();
  saga_entry e;
  e.type = req.type;
  // The steps often need the id: it goes into the context here, so that this copy (kept for a
  // restart of the actor) has it too; the actor shares it instead of copying it.
  req.context.set(saga_id_key, req.id);
  e.initial = std::make_shared<const saga_context>(std::move(req.context));
  e.rp = rp;
  e.has_requester = true;
  auto& entry = st.sagas.emplace(req.id, std::move(e)).first->second;
  spawn_for(self, req.id, entry, saga_start::fresh);
  log().debug("saga {} [{}] started", req.id, req.type);
  return rp;
}

void adopt_saga(sup_ptr self, const std::string& id) {
  auto& st = self->state;
  if (st.sagas.count(id) > 0) return;  // driven here already
  saga_entry e;
  e.type = "?";  // until the actor has read it from the log
  auto& entry = st.sagas.emplace(id, std::move(e)).first->second;
  spawn_for(self, id, entry, saga_start::recover);
}

void on_saga_done(sup_ptr self, saga_outcome& out) {
  auto& st = self->state;
  auto i = st.sagas.find(out.id);
  if (i == st.sagas.end()) return;
  st.saga_children.erase(i->second.actor.address());
  if (st.cfg.metrics) self->send(st.cfg.metrics, make_saga_record(out, unix_now_us()));
  if (i->second.has_requester) {
    i->second.rp.deliver(out);
  } else {
    log().info("recovered saga {} [{}] ended {}{}{}", out.id, out.type, to_string(out.state),
               out.error.empty() ? "" : ": ", out.error);
  }
  st.sagas.erase(i);
}

void on_saga_progress(sup_ptr self, const saga_info& info) {
  auto i = self->state.sagas.find(info.id);
  if (i == self->state.sagas.end()) return;
  i->second.type = info.type;
  i->second.state = info.state;
  i->second.step = info.step;
}

bool on_saga_down(sup_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto c = st.saga_children.find(dm.source);
  if (c == st.saga_children.end()) return false;
  auto id = c->second;
  st.saga_children.erase(c);
  auto i = st.sagas.find(id);
  if (i == st.sagas.end()) return true;  // reported before it went
  auto& e = i->second;
  auto why = self->system().render(dm.reason);
  if (e.restarts >= max_restarts) {
    log().error("saga {} [{}]: its actor died {} times ({}); left to recovery", id, e.type,
                e.restarts + 1, why);
    if (e.has_requester) {
      saga_request req;
      req.id = id;
      req.type = e.type;
      e.rp.deliver(refused(
          req, errc::attempt_crashed,
          "the saga's actor kept dying (" + why + "); the saga stays in the log for recovery"));
    }
    st.sagas.erase(i);
    return true;
  }
  ++e.restarts;
  log().warn("saga {} [{}]: its actor died ({}); compensating from the log", id, e.type, why);
  spawn_for(self, id, e, saga_start::compensate);
  return true;
}

std::vector<saga_info> list_sagas(sup_ptr self) {
  std::vector<saga_info> out;
  for (const auto& [id, e] : self->state.sagas) {
    saga_info i;
    i.id = id;
    i.type = e.type;
    i.state = e.state;
    i.step = e.step;
    if (self->state.cfg.saga) i.owner = self->state.cfg.saga->node_id;
    i.actor = e.actor.address();
    out.push_back(std::move(i));
  }
  return out;
}

void stop_sagas(sup_ptr self, const caf::error& reason) {
  auto& st = self->state;
  for (auto& [id, e] : st.sagas) {
    if (e.has_requester) {
      saga_request req;
      req.id = id;
      req.type = e.type;
      e.rp.deliver(refused(req, errc::shutting_down,
                           "the runtime is shutting down; the saga is in the log and will be "
                           "resumed by recovery"));
    }
    self->send_exit(e.actor, reason);
  }
  st.sagas.clear();
  st.saga_children.clear();
}

}  // namespace actortx
