// The cross-database transfer as a saga: debit on one database, credit on the other; a failed
// credit (frozen account) is made good by refunding the debit.
#pragma once

#include <string>
#include <vector>

#include <actortx/saga_registry.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/tx_options.hpp>

namespace stress {

/// The run's two saga types, one per direction (money flows both ways, so a long run does not
/// drain one database). Their names contain the run's name: saga recovery only takes over
/// sagas of types a node knows, so no other process on the database ever resumes ours.
struct transfer_saga_types {
  std::vector<std::string> a_to_b;  ///< one per pair of nodes the steps run on (one locally)
  std::vector<std::string> b_to_a;
};

/// Defines both types in `reg` (the registry of database A's runtime, where the saga log is);
/// `b` is the supervisor of database B's runtime. Context: from, to, amount. Every applied
/// step and compensation writes a ledger row (kind debit, refund, credit, uncredit) in the
/// same transaction, on its own database.
transfer_saga_types define_transfer_sagas(actortx::saga_registry& reg, const std::string& run,
                                          const actortx::supervisor_actor& b,
                                          const actortx::tx_options& step_opts,
                                          bool allow_negative);

}  // namespace stress

namespace stress {

/// The same for --nodes: every step is a procedure call (bank_procedures.hpp) on a worker node,
/// the debit on one of `a_workers` (database A) or `b_workers`, the credit on one of the
/// other database's; one type per direction and pair of workers, so the run's sagas spread
/// over all of them. The ledger rows are the procedures'.
transfer_saga_types define_node_transfer_sagas(actortx::saga_registry& reg, const std::string& run,
                                               const std::vector<std::string>& a_workers,
                                               const std::vector<std::string>& b_workers,
                                               const actortx::tx_options& step_opts,
                                               bool allow_negative);

}  // namespace stress
