// Connections to peer nodes, by name.
#pragma once

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"
#include "runtime/node_config.hpp"

namespace actortx {

/// Spawns the (detached) directory of `node`'s peers. A name not among the peers, a refused
/// connection, a failed TLS handshake or a peer speaking another interface is answered with
/// errc::node_unreachable and a message naming peer, address and cause.
node_directory_actor spawn_node_directory(caf::actor_system& sys, node_config node);

/// The message an actortx error carries (e.g. "cannot reach node 'b' at ..."), else CAF's
/// rendering of `err`.
std::string reason_of(caf::actor_system& sys, const caf::error& err);

/// Connects to the supervisor published at host:port (TLS if `node` has TLS material). Blocks:
/// only for detached actors and plain threads.
caf::expected<supervisor_actor> connect_node(caf::actor_system& sys, const node_config& node,
                                             const std::string& host, uint16_t port);

}  // namespace actortx
