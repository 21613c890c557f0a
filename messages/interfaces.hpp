// The node-internal typed actor interfaces (the public one is <actortx/supervisor.hpp>).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <actortx/metrics.hpp>
#include <actortx/supervisor.hpp>

#include "messages/atoms.hpp"
#include "messages/attempt.hpp"
#include "messages/lane.hpp"

namespace actortx {

/// One PostgreSQL connection on its own thread (spawned detached).
using connection_actor = caf::typed_actor<
    caf::replies_to<exec_atom, exec_request, tx_script>::with<attempt_result>,
    caf::replies_to<exec_atom, exec_request, local_body>::with<attempt_result>,
    // the blocking lane: answered through the ticket, not as a response
    caf::reacts_to<exec_atom, exec_request, tx_script, lane_ticket>,
    caf::reacts_to<exec_atom, exec_request, local_body, lane_ticket>,
    caf::replies_to<ping_atom>::with<int32_t>,
    // current statements of these backends (from pg_stat_activity)
    caf::replies_to<activity_atom, std::vector<int32_t>>::with<std::vector<backend_activity>>>;

/// A leased connection; give it back with release_atom and the same id.
struct lease {
  connection_actor conn;
  int32_t backend_pid = 0;
  uint64_t id = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, lease& x) {
    return f(caf::meta::type_name("actortx::lease"), x.conn, x.backend_pid, x.id);
  }
};

/// Owns the connections: FIFO lease queue with a bound and an acquire timeout.
using pool_actor =
    caf::typed_actor<caf::replies_to<acquire_atom, caf::timespan>::with<lease>,
                     caf::reacts_to<release_atom, uint64_t, bool>,  // lease id, connection healthy
                     caf::replies_to<stats_atom>::with<pool_stats>,
                     caf::replies_to<activity_atom, std::vector<int32_t>>::with<
                         std::vector<backend_activity>>,     // asked on the monitor connection
                     caf::reacts_to<ready_atom, int32_t>,    // from a connection: connected, pid
                     caf::reacts_to<waiter_atom, uint64_t>,  // timer: waiter's acquire timeout
                     caf::reacts_to<spawn_atom>,             // timer: top up connections
                     caf::reacts_to<tick_atom>,  // timer: retire old and long-idle connections
                     caf::reacts_to<returned_atom, connection_actor, bool>>;  // from a lane,
                                                                              // healthy?

/// The saga manager: hosts this node's sagas (one saga actor each), restarts a dead one from the
/// log and adopts the sagas recovery claims. The supervisor forwards saga requests to it.
using saga_manager_actor =
    caf::typed_actor<caf::replies_to<saga_atom, saga_request>::with<saga_outcome>,
                     caf::replies_to<sagas_atom>::with<std::vector<saga_info>>,
                     caf::reacts_to<saga_done_atom, saga_outcome>,  // from a saga actor
                     caf::reacts_to<saga_step_atom, saga_info>,     // a saga's progress
                     caf::reacts_to<recover_atom, std::string>,     // claimed saga id: resume it
                     // an operator's cancel of a saga this node may drive: saga id, "who: why"
                     caf::reacts_to<cancel_atom, std::string, std::string>,
                     caf::reacts_to<drain_atom>>;  // shutdown: stop the sagas, take no new ones

/// Answers the operator's saga messages (list, look up, retry, cancel) from the saga log on the
/// supervisor's database; tells the saga manager of a cancel and has recovery claim a retried
/// saga at once. The supervisor delegates (saga_atom, saga_filter / saga_lookup /
/// saga_command) to it.
using saga_operator_actor =
    caf::typed_actor<caf::replies_to<saga_atom, saga_filter>::with<std::vector<saga_info>>,
                     caf::replies_to<saga_atom, saga_lookup>::with<saga_detail>,
                     caf::replies_to<saga_atom, saga_command>::with<saga_command_result>>;

/// The supervisor's full interface: the public one plus what its children and timers send.
using supervisor_impl_actor = supervisor_actor::extend<
    // a blocking-lane transaction whose first attempt did not commit
    caf::replies_to<run_atom, tx_options, tx_script, lane_handover>::with<tx_outcome>,
    caf::replies_to<run_atom, tx_options, local_body, lane_handover>::with<tx_outcome>,
    caf::reacts_to<leased_atom, uint64_t, uint32_t, int32_t>,  // tx id, attempt, backend pid
    caf::reacts_to<attempt_atom, uint64_t, attempt_result>,    // tx id, result
    caf::reacts_to<deadline_atom, uint64_t>,                   // timer: tx id
    caf::reacts_to<grace_atom, uint64_t, uint32_t>,            // timer: tx id, attempt
    caf::replies_to<drain_atom>::with<uint64_t>,          // shutdown: refuse new work; how many run
    caf::reacts_to<retry_atom, uint64_t>,                 // timer: tx id
    caf::reacts_to<tick_atom>,                            // timer: long-running check
    caf::reacts_to<saga_host_atom, saga_manager_actor>,   // where saga requests go from now on
    caf::reacts_to<saga_ops_atom, saga_operator_actor>>;  // where operator messages go

/// Owns the metrics model, the alert engine and what the exporters read. Records arrive once
/// per finished transaction / saga; everything else is a query.
using metrics_actor = caf::typed_actor<
    caf::reacts_to<tx_record>, caf::reacts_to<saga_record>,
    caf::reacts_to<outbox_atom>,                   // records wait in the outbox: take them soon
    caf::reacts_to<alert>,                         // raise an application alert
    caf::reacts_to<summary_atom, active_summary>,  // the supervisor, while work runs
    caf::replies_to<metrics_atom>::with<metrics_snapshot>,
    caf::replies_to<report_atom, uint64_t>::with<metrics_report>,        // records per kind
    caf::replies_to<find_atom, uint64_t>::with<std::vector<tx_record>>,  // by id: 0 or 1
    caf::replies_to<find_atom, std::string, uint64_t>::with<std::vector<tx_record>>,  // label
    caf::replies_to<find_atom, saga_atom, std::string, uint64_t>::with<std::vector<tx_record>>,
    caf::replies_to<alerts_atom>::with<std::vector<alert>>,
    caf::reacts_to<tick_atom>>;  // timer: poll, evaluate alerts, log the summary

/// Connects to peer nodes by name (a bounded TCP probe first, then CAF's middleman, never
/// blocking) and keeps the connected supervisors until they go down. Errors:
/// errc::node_unreachable naming the peer.
using node_directory_actor =
    caf::typed_actor<caf::replies_to<connect_atom, std::string>::with<supervisor_actor>>;

/// A saga actor: its own timers (retry a compensation after its backoff; the saga's deadline)
/// and an operator's cancel relayed by the saga manager ("who: why").
using saga_actor = caf::typed_actor<caf::reacts_to<retry_atom>, caf::reacts_to<deadline_atom>,
                                    caf::reacts_to<cancel_atom, std::string>>;

/// Claims sagas whose owner went away and renews this node's leases. (recover_atom) claims
/// now and answers how many sagas it handed to the saga manager.
using saga_recovery_actor = caf::typed_actor<caf::reacts_to<tick_atom>,   // timer: claim round
                                             caf::reacts_to<lease_atom>,  // timer: renew leases
                                             caf::replies_to<recover_atom>::with<uint32_t>>;

}  // namespace actortx
