// Atoms of the actortx protocol. Own namespace: CAF already defines get_atom, ok_atom, ...
#pragma once

#include <caf/atom.hpp>

#include <actortx/supervisor.hpp>  // the public atoms: run, active, saga, sagas

namespace actortx {

using exec_atom = caf::atom_constant<caf::atom("exec")>;           // execute one attempt
using acquire_atom = caf::atom_constant<caf::atom("acquire")>;     // lease a connection
using release_atom = caf::atom_constant<caf::atom("release")>;     // return a lease
using ready_atom = caf::atom_constant<caf::atom("ready")>;         // connection is connected
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;   // timer: deadline reached
using retry_atom = caf::atom_constant<caf::atom("retry")>;         // timer: backoff elapsed
using attempt_atom = caf::atom_constant<caf::atom("attempt")>;     // attempt finished
using leased_atom = caf::atom_constant<caf::atom("leased")>;       // attempt got a backend
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;       // cancel a backend query
using ping_atom = caf::atom_constant<caf::atom("ping")>;           // validate a connection
using stats_atom = caf::atom_constant<caf::atom("stats")>;         // ask for a snapshot
using waiter_atom = caf::atom_constant<caf::atom("waiter")>;       // timer: lease wait expired
using spawn_atom = caf::atom_constant<caf::atom("spawnconn")>;     // timer: (re)connect now
using activity_atom = caf::atom_constant<caf::atom("activity")>;   // backends' current queries
using tick_atom = caf::atom_constant<caf::atom("tick")>;           // timer: periodic checks
using saga_done_atom = caf::atom_constant<caf::atom("sagadone")>;  // saga actor finished
using saga_step_atom = caf::atom_constant<caf::atom("sagastep")>;  // saga actor progressed
using recover_atom = caf::atom_constant<caf::atom("recover")>;     // resume a claimed saga
using saga_host_atom = caf::atom_constant<caf::atom("sagahost")>;  // the node's saga manager
using saga_ops_atom = caf::atom_constant<caf::atom("sagaops")>;    // the node's saga operator
using lease_atom = caf::atom_constant<caf::atom("lease")>;         // timer: renew saga leases
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;     // ask for a metrics snapshot
using report_atom = caf::atom_constant<caf::atom("report")>;       // snapshot + recent records
using find_atom = caf::atom_constant<caf::atom("find")>;           // tx records by id or label
using alerts_atom = caf::atom_constant<caf::atom("alerts")>;       // alert history
using summary_atom = caf::atom_constant<caf::atom("summary")>;     // what runs now, counted
using connect_atom = caf::atom_constant<caf::atom("connect")>;     // a peer node's supervisor
using grace_atom = caf::atom_constant<caf::atom("grace")>;         // timer: COMMIT reply grace
using drain_atom = caf::atom_constant<caf::atom("drain")>;         // stop taking work, wait
using outbox_atom = caf::atom_constant<caf::atom("outbox")>;       // records wait in the outbox
using returned_atom = caf::atom_constant<caf::atom("returned")>;   // a connection back to its pool

}  // namespace actortx
