// One PostgreSQL connection, owned by a detached actor: the only place libpq blocks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/lane/lane_call.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

class tx_hooks;

/// What a connection actor is given by its pool.
struct connection_settings {
  std::string dsn;
  pool_actor pool;
  /// Runtime-wide hooks; may be null.
  std::shared_ptr<const tx_hooks> hooks;
  /// Statements kept prepared, in a cache that dies with the connection; 0: none.
  size_t statement_cache_size = 256;
  /// Reset the session after an attempt that may have changed it (session_reset.hpp).
  bool reset_session = true;
  /// The pool's idle desk: where it goes back after a lane attempt, and its reset count.
  std::shared_ptr<connection_desk> desk;
};

/// Behaviour of a connection actor; spawn it `detached`. It connects on its own thread, then
/// sends (ready_atom, backend pid) to the pool; if it cannot connect it quits with
/// errc::connection_failed and the reason (no password). It quits with errc::connection_lost
/// when it finds its connection broken (a failed session reset included), so its owner
/// replaces it.
connection_actor::behavior_type connection_fn(connection_actor::pointer self,
                                              connection_settings settings);

}  // namespace actortx
