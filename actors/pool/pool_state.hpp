// The pool actor's state, shared by its files (internal to actors/pool).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <unordered_map>

#include <caf/actor_addr.hpp>
#include <caf/typed_response_promise.hpp>

#include <actortx/metrics.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/pool/pool_actor.hpp"

namespace actortx {

struct conn_entry {
  connection_actor handle;
  int32_t pid = 0;
  bool ready = false;  // connected (sent ready_atom)
  bool leased = false;
  bool monitor = false;      // the monitor connection (pg_stat_activity), never leased
  int64_t retire_at_ns = 0;  // pool-max-lifetime with jitter; 0: never
};

struct waiter {
  uint64_t id;
  caf::typed_response_promise<lease> rp;
  int64_t queued_ns = 0;  // for the lease-wait figures
};

struct pool_state {
  pool_settings cfg;
  std::unordered_map<caf::actor_addr, conn_entry> conns;
  /// Idle connections; the blocking lane takes from it and gives back without a message.
  std::shared_ptr<connection_desk> desk;
  std::unordered_map<uint64_t, caf::actor_addr> leases;
  std::deque<waiter> waiters;
  caf::actor_addr monitor;
  uint64_t next_lease = 0;
  uint64_t next_waiter = 0;
  uint32_t failed_connects_in_a_row = 0;
  bool top_up_scheduled = false;
  std::string last_connect_error;
  pool_stats stats;
  std::minstd_rand jitter{std::random_device{}()};
  /// Connections stopped by the pool lately: an exit one sent before it was unlinked may still
  /// be queued, and must not be taken for the pool's own stop (a stranger's exit).
  std::deque<caf::actor_addr> departed;

  /// Whether `addr` is a connection stopped lately (and forgets it: one exit each).
  bool departed_connection(const caf::actor_addr& addr) {
    auto i = std::find(departed.begin(), departed.end(), addr);
    if (i == departed.end()) return false;
    departed.erase(i);
    return true;
  }

  size_t open_or_connecting() const {
    return static_cast<size_t>(std::count_if(conns.begin(), conns.end(),
                                             [](const auto& kv) { return !kv.second.monitor; }));
  }
  size_t connecting() const {
    return static_cast<size_t>(std::count_if(conns.begin(), conns.end(), [](const auto& kv) {
      return !kv.second.monitor && !kv.second.ready;
    }));
  }

  static inline const char* name = "actortx.pool";
};

using pool_ptr = pool_actor::stateful_pointer<pool_state>;

/// Forgets a connection: its entry, its place in the idle desk, its leases.
void forget(pool_state& st, const caf::actor_addr& addr);

/// Opens connections while requests wait (and up to min_size), never beyond max_size.
void top_up(pool_ptr self);

/// Stops a connection the pool gives up on: unlinked first, since CAF unlinks an actor from
/// the sender of an exit message before it dies (its own exit would never come back, and one
/// that did would look like a stranger's, which stops the pool); then forgotten at once.
void stop_connection(pool_ptr self, const caf::actor_addr& addr, caf::exit_reason reason);

/// Closes a connection on purpose (`why` names the limit), counts it as retired (not replaced)
/// and tops the pool up again.
void retire(pool_ptr self, const caf::actor_addr& addr, const char* why);

/// When a connection that is ready now must be closed: max_lifetime less up to 10 % jitter;
/// 0 without a lifetime.
int64_t retire_time(pool_state& st, int64_t now_ns);

/// How often idle connections are checked against the lifetime and the idle timeout: a quarter
/// of the shorter limit, 100 ms..30 s; zero when neither is set.
caf::timespan sweep_interval(const pool_settings& cfg);

/// Closes idle connections past their lifetime, and those idle past the idle timeout while
/// more than pool-min are open (the monitor connection at its lifetime too).
void sweep_idle(pool_ptr self);

}  // namespace actortx
