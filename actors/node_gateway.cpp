#include "actors/node_gateway.hpp"

#include <set>

#include <caf/all.hpp>

#include "runtime/log.hpp"

namespace actortx {

namespace {

struct gateway_state {
  supervisor_actor sup;
  std::set<std::string> logged;  // (sender node, message type): warned once
  static inline const char* name = "actortx.node_gateway";
};

using gw_ptr = supervisor_actor::stateful_pointer<gateway_state>;

std::string sender_node(gw_ptr self) {
  const auto& src = self->current_sender();
  return src ? caf::to_string(src->node()) : std::string{"an anonymous sender"};
}

/// The first element of a message: its atom's value, else its type's name (not its value,
/// which a peer could vary without end). With the sender, what is logged once.
std::string first_element(gw_ptr self, caf::message_view& x) {
  const auto& c = x.content();
  if (c.size() == 0) return "()";
  if (c.match_element<caf::atom_value>(0)) return c.stringify(0);
  return self->system().types().portable_name(c.type(0));
}

caf::result<caf::message> on_unexpected(gw_ptr self, caf::message_view& x) {
  auto what = x.content().stringify();
  constexpr size_t max_shown = 200;
  if (what.size() > max_shown) what = what.substr(0, max_shown) + "...";
  auto who = sender_node(self);
  auto& seen = self->state.logged;
  if (seen.size() < 1000 && seen.insert(who + " " + first_element(self, x)).second)
    log().warn(
        "node gateway: ignored a message from node {} that actortx does not "
        "understand: {}",
        who, what);
  return make_error(errc::unexpected_message,
                    "this actortx node does not understand the message " + what);
}

supervisor_actor::behavior_type gateway_fn(gw_ptr self, supervisor_actor sup) {
  self->state.sup = std::move(sup);
  self->set_default_handler(
      [self](caf::scheduled_actor*, caf::message_view& x) { return on_unexpected(self, x); });
  auto& s = self->state.sup;
  return {
      [=](run_atom a, tx_options& o, tx_script& w) { return self->delegate(s, a, o, w); },
      [=](run_atom a, tx_options& o, local_body& w) { return self->delegate(s, a, o, w); },
      [=](run_atom a, tx_options& o, procedure_call& w) { return self->delegate(s, a, o, w); },
      [=](active_atom a) { return self->delegate(s, a); },
      [=](saga_atom a, saga_request& r) { return self->delegate(s, a, r); },
      [=](sagas_atom a) { return self->delegate(s, a); },
  };
}

}  // namespace

supervisor_actor spawn_node_gateway(caf::actor_system& sys, supervisor_actor sup) {
  return sys.spawn(gateway_fn, std::move(sup));
}

}  // namespace actortx
