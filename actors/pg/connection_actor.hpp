// One PostgreSQL connection, owned by a detached actor: the only place libpq blocks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

class tx_hooks;

/// Behaviour of a connection actor; spawn it `detached`. It connects on its own thread, then
/// sends (ready_atom, backend pid) to `pool`; if it cannot connect it quits with
/// errc::connection_failed and the reason (no password). It quits with errc::connection_lost
/// when it finds its connection broken, so its owner replaces it. Its attempts keep up to
/// `statement_cache_size` statements prepared (0: none), in a cache that dies with it.
connection_actor::behavior_type connection_fn(connection_actor::pointer self,
                                              const std::string& dsn, const pool_actor& pool,
                                              std::shared_ptr<const tx_hooks> hooks,
                                              size_t statement_cache_size);

}  // namespace actortx
