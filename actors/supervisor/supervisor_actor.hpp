// The supervisor: deadline per transaction, retries with backoff, one child per attempt.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>

#include <actortx/procedure_registry.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

class canceller;
class deadline_queue;
class lane_registry;
template <class Conn>
class idle_desk;
struct idle_conn;
using connection_desk = idle_desk<idle_conn>;  // actors/lane_call.hpp

struct supervisor_settings {
  caf::timespan acquire_timeout = std::chrono::seconds(5);
  /// Transactions older than this are logged once at warn and flagged in active_atom replies.
  std::chrono::milliseconds long_running_threshold{5000};
  /// The procedures callers (local or remote) may run by name; null: none.
  std::shared_ptr<const procedure_registry> procedures;
  /// Receives one record per finished transaction and the summary of what runs; none when
  /// metrics are off.
  metrics_actor metrics;
  /// Adds what others count, without a message, to that summary (the saga manager: its sagas
  /// by state); empty: nothing.
  std::function<void(active_summary&)> add_to_summary;
  /// Cancels (and cuts, if the server does not obey) attempts their deadline expired.
  std::shared_ptr<canceller> cancel;
  /// When the deadline finds COMMIT in flight, how long its reply may take before the answer
  /// is IN_DOUBT (an answer never lies, and is never later than this past the deadline).
  std::chrono::milliseconds commit_grace{25};
  /// The node's one deadline mechanism (shared with the blocking lane); null: CAF timers.
  std::shared_ptr<deadline_queue> deadlines;
  /// The blocking lane's running transactions, listed with the supervisor's own; may be null.
  std::shared_ptr<lane_registry> lane;
  /// The pool's idle connections: an attempt takes one directly when there is one (no actor
  /// spawned, no pool round trip); null: every attempt asks the pool through its own actor.
  std::shared_ptr<connection_desk> desk;
  /// Transaction ids, shared with the blocking lane; null: the supervisor's own.
  std::shared_ptr<std::atomic<uint64_t>> ids;
};

/// For every run request: arms the deadline timer, spawns a monitored transaction actor per
/// attempt, retries retryable failures after the policy's backoff (never past the deadline),
/// and always answers with a tx_outcome. At the deadline: an attempt that has not sent COMMIT
/// is stopped for good (it rolls back; its query is cancelled on the server, its connection cut
/// if the server does not obey) and the answer is TIMEOUT at once; an attempt whose COMMIT may
/// be on its way gets `commit_grace` for the reply, then the answer is IN_DOUBT. A child that
/// dies without reporting is a failed attempt. Saga requests go to the saga manager handed
/// over with saga_host_atom (refused without one). (drain_atom): refuse new work from now on
/// (the saga manager stops its sagas, left to recovery) and answer how many transactions
/// still run.
supervisor_impl_actor spawn_supervisor(caf::actor_system& sys, pool_actor pool,
                                       supervisor_settings settings);

}  // namespace actortx
