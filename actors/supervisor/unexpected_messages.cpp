#include "actors/supervisor/unexpected_messages.hpp"

#include <caf/all.hpp>

#include <actortx/errc.hpp>
#include <actortx/log.hpp>

namespace actortx {

std::string sender_of(caf::local_actor* self) {
  const auto& src = self->current_sender();
  if (!src) return "an anonymous sender";
  if (src->node() == self->node()) return "this node";
  return "node " + caf::to_string(src->node());
}

namespace {

/// The first element's atom, else its type's name; never its value, which a peer could vary
/// without end.
std::string kind_of(caf::local_actor* self, caf::message_view& x) {
  const auto& c = x.content();
  if (c.size() == 0) return "()";
  if (c.match_element<caf::atom_value>(0)) return c.stringify(0);
  return self->system().types().portable_name(c.type(0));
}

}  // namespace

caf::error unexpected_messages::reject(caf::local_actor* self, caf::message_view& x,
                                       const char* receiver) {
  auto what = x.content().stringify();
  constexpr size_t max_shown = 200;
  if (what.size() > max_shown) what = what.substr(0, max_shown) + "...";
  auto who = sender_of(self);
  if (logged_.size() < max_kinds && logged_.insert(who + " " + kind_of(self, x)).second)
    log(log_component::supervisor)
        .warn("{} ignored a message from {} that it does not understand: {}", receiver, who, what);
  return make_error(errc::unexpected_message,
                    std::string{receiver} + " does not understand the message " + what);
}

}  // namespace actortx
