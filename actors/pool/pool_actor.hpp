// The connection pool: leases connection actors FIFO, bounded queue, acquire timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

class tx_hooks;
template <class Conn>
class idle_desk;
struct idle_conn;
using connection_desk = idle_desk<idle_conn>;  // actors/lane_call.hpp

struct pool_settings {
  std::string dsn;
  size_t min_size = 1;
  size_t max_size = 8;
  size_t max_waiters = 10000;
  /// Each connection keeps up to this many statements prepared (LRU); 0: unnamed statements,
  /// as a pooler in transaction mode needs (actortx.prepared-statements = false).
  size_t statement_cache_size = 256;
  /// Runtime-wide transaction hooks, handed to every connection; may be null.
  std::shared_ptr<const tx_hooks> hooks;
  /// The idle connections, shared with the blocking lane; the pool makes one if null.
  std::shared_ptr<connection_desk> desk;
};

/// Spawns connections (detached, linked) up to max_size on demand and keeps min_size open.
/// acquire(timeout) answers a lease at once, or queues the request (FIFO) until a connection
/// is released or opened; past the timeout, or with the queue full, it answers
/// errc::pool_exhausted. A connection released as unhealthy is pinged before it is leased
/// again and dropped if the ping fails; a connection that dies is replaced, with backoff while
/// PostgreSQL refuses connections. One extra connection is kept for cancelling queries.
pool_actor spawn_pool(caf::actor_system& sys, pool_settings settings);

}  // namespace actortx
