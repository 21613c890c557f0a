#include "actors/nodes/node_gateway.hpp"

#include <caf/all.hpp>

#include "actors/supervisor/unexpected_messages.hpp"

namespace actortx {

namespace {

struct gateway_state {
  supervisor_actor sup;
  unexpected_messages unexpected;
  static inline const char* name = "actortx.node_gateway";
};

using gw_ptr = supervisor_actor::stateful_pointer<gateway_state>;

supervisor_actor::behavior_type gateway_fn(gw_ptr self, supervisor_actor sup) {
  self->state.sup = std::move(sup);
  self->set_default_handler(
      [self](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
        return self->state.unexpected.reject(self, x, "this actortx node");
      });
  auto& s = self->state.sup;
  return {
      [=](run_atom a, tx_options& o, tx_script& w) { return self->delegate(s, a, o, w); },
      [=](run_atom a, tx_options& o, local_body& w) { return self->delegate(s, a, o, w); },
      [=](run_atom a, tx_options& o, procedure_call& w) { return self->delegate(s, a, o, w); },
      [=](active_atom a) { return self->delegate(s, a); },
      [=](cancel_tx_atom a, std::string& correlation_id) { self->send(s, a, correlation_id); },
      [=](saga_atom a, saga_request& r) { return self->delegate(s, a, r); },
      [=](sagas_atom a) { return self->delegate(s, a); },
      [=](saga_atom a, saga_filter& q) { return self->delegate(s, a, q); },
      [=](saga_atom a, saga_lookup& q) { return self->delegate(s, a, q); },
      [=](saga_atom a, saga_command& q) { return self->delegate(s, a, q); },
  };
}

}  // namespace

supervisor_actor spawn_node_gateway(caf::actor_system& sys, supervisor_actor sup) {
  return sys.spawn(gateway_fn, std::move(sup));
}

}  // namespace actortx
