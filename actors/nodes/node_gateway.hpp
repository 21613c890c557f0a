// What a node publishes: the supervisor's public interface and nothing else, so that peers
// cannot send the supervisor's internal messages (timers, attempt reports).
#pragma once

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

/// Forwards every public request to `sup` (which answers the peer directly). Anything else
/// gets errc::unexpected_message back and one warn line per sender node and message type.
supervisor_actor spawn_node_gateway(caf::actor_system& sys, supervisor_actor sup);

}  // namespace actortx
