// What the supervisor refuses before anything runs, and how a procedure call (by name, from
// this node or another) becomes a body. Internal to actors/.
#pragma once

#include <string>
#include <variant>

#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

/// A request refused before it started: answered at once, logged once at warn.
tx_outcome refused(sup_ptr self, const tx_options& opts, errc code, std::string why);

/// A procedure call becomes a local body on this node, after its arguments were checked; or
/// the refusal (unknown procedure, arguments that do not match its parameters).
std::variant<local_body, tx_outcome> bind_procedure(sup_ptr self, tx_options& opts,
                                                    procedure_call& call);

}  // namespace actortx
