// One call that makes every actortx message type and the error category known to CAF.
#pragma once

#include <caf/fwd.hpp>

namespace actortx {

/// Registers all message types (same names on every node) and the "actortx" error renderer.
void register_messages(caf::actor_system_config& cfg);

}  // namespace actortx
