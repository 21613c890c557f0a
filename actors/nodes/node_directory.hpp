// Connections to peer nodes, by name.
#pragma once

#include <caf/fwd.hpp>

#include <actortx/node_config.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

/// Spawns the directory of `node`'s peers (event-based: it never blocks). A peer is connected
/// on first use and kept until it goes down. A name not among the peers, an address that
/// refuses or does not complete a TCP connect within node.connect_timeout, a failed TLS
/// handshake or a peer speaking another interface is answered with errc::node_unreachable and
/// a message naming peer, address and cause, a little before node.connect_timeout at the
/// latest. One peer that does not answer does not delay calls to the others.
node_directory_actor spawn_node_directory(caf::actor_system& sys, node_config node);

}  // namespace actortx
