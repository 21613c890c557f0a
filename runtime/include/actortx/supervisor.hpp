// The supervisor's public typed interface: what a caller actor, or another node, may send.
#pragma once

#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <actortx/active_tx.hpp>
#include <actortx/local_body.hpp>
#include <actortx/procedure_call.hpp>
#include <actortx/saga_operations.hpp>
#include <actortx/saga_outcome.hpp>
#include <actortx/statement.hpp>
#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

using run_atom = caf::atom_constant<caf::atom("run")>;              // run a transaction
using active_atom = caf::atom_constant<caf::atom("active")>;        // list running transactions
using saga_atom = caf::atom_constant<caf::atom("saga")>;            // run a saga
using sagas_atom = caf::atom_constant<caf::atom("sagas")>;          // list running sagas
using cancel_tx_atom = caf::atom_constant<caf::atom("cancel_tx")>;  // a caller's cancel

/// The runtime's front door, also the interface a node publishes to other nodes. Every request
/// is answered with a tx_outcome or saga_outcome (also on failure, e.g. an unknown procedure);
/// a caf::error only means the request itself could not be handled. Remote nodes can send
/// scripts and procedure calls; a local_body cannot cross nodes.
/// active_atom lists the transactions running now, sagas_atom the sagas this node drives.
/// (cancel_tx_atom, correlation id) is a caller's cancel of its transaction (tx_canceller):
/// ROLLED_BACK (errc::cancelled) unless its COMMIT may be on the wire; no reply.
/// (saga_atom, saga_filter / saga_lookup / saga_command) operate the sagas in the log this node
/// writes to (saga_operations.hpp).
using supervisor_actor =
    caf::typed_actor<caf::replies_to<run_atom, tx_options, tx_script>::with<tx_outcome>,
                     caf::replies_to<run_atom, tx_options, local_body>::with<tx_outcome>,
                     caf::replies_to<run_atom, tx_options, procedure_call>::with<tx_outcome>,
                     caf::replies_to<active_atom>::with<std::vector<active_tx>>,
                     caf::reacts_to<cancel_tx_atom, std::string>,
                     caf::replies_to<saga_atom, saga_request>::with<saga_outcome>,
                     caf::replies_to<sagas_atom>::with<std::vector<saga_info>>,
                     caf::replies_to<saga_atom, saga_filter>::with<std::vector<saga_info>>,
                     caf::replies_to<saga_atom, saga_lookup>::with<saga_detail>,
                     caf::replies_to<saga_atom, saga_command>::with<saga_command_result>>;

}  // namespace actortx
