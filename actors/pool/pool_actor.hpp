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
  /// pool-max-lifetime (less up to 10 % jitter per connection); 0: unlimited.
  std::chrono::milliseconds max_lifetime{0};
  /// pool-idle-timeout for connections beyond min_size; 0: never.
  std::chrono::milliseconds idle_timeout{0};
  /// pool-reset-session: reset a session a body may have changed before its next lease.
  bool reset_session = true;
};

/// Spawns connections (detached, linked) up to max_size on demand and keeps min_size open.
/// acquire(timeout) answers a lease at once, or queues the request (FIFO) until a connection
/// is released or opened; past the timeout, or with the queue full, it answers
/// errc::pool_exhausted. A connection released as unhealthy is pinged before it is leased
/// again and dropped if the ping fails; a connection that dies is replaced, with backoff while
/// PostgreSQL refuses connections. One extra connection is kept for cancelling queries. A
/// connection past max_lifetime is closed instead of being made idle again (an idle one within
/// a sweep, every quarter of the shorter of the two limits, at most 30 s apart), and idle ones
/// beyond min_size past idle_timeout likewise; what min_size and the waiters need is reopened.
pool_actor spawn_pool(caf::actor_system& sys, pool_settings settings);

}  // namespace actortx
