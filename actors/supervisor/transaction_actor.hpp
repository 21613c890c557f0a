// One attempt of one transaction: lease a connection, run, give the connection back, report.
#pragma once

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

/// Spawns (monitored by `sup`) the actor for one attempt. It leases a connection from `pool`
/// (waiting at most `acquire_timeout`, and never past the deadline), tells the supervisor the
/// backend pid (so a deadline can cancel the query), runs the work on the connection, returns
/// the connection (flagged unhealthy after connection trouble) and sends
/// (attempt_atom, tx id, attempt_result) to the supervisor. Then it quits.
caf::actor spawn_transaction_attempt(caf::local_actor* sup, supervisor_impl_actor sup_handle,
                                     pool_actor pool, exec_request req, tx_script script,
                                     caf::timespan acquire_timeout);
caf::actor spawn_transaction_attempt(caf::local_actor* sup, supervisor_impl_actor sup_handle,
                                     pool_actor pool, exec_request req, local_body body,
                                     caf::timespan acquire_timeout);

}  // namespace actortx
