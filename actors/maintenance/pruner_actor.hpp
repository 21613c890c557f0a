// The pruner: every prune_interval, and when asked (runtime::prune_now), deletes finished sagas
// and idempotency keys older than the retention, batch after batch, under the pruning lease.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <actortx/retention.hpp>
#include <actortx/supervisor.hpp>

#include "messages/atoms.hpp"

namespace actortx {

using prune_atom = caf::atom_constant<caf::atom("prune")>;  // run a pruning round now

/// (prune_atom, as_of): one round now, counting the retention back from `as_of` (µs since the
/// epoch; negative: the server's now()); rounds run one after another, never two at once.
using pruner_actor = caf::typed_actor<caf::reacts_to<tick_atom>,  // timer: the periodic round
                                      caf::replies_to<prune_atom, int64_t>::with<prune_report>>;

struct pruner_settings {
  std::string node_id;                            ///< the lease's owner name
  std::chrono::milliseconds retention{0};         ///< runtime_config::retention.retention
  std::chrono::milliseconds interval{0};          ///< between periodic rounds; 0: none
  uint32_t batch = 1000;                          ///< rows per kind per batch
  std::chrono::milliseconds batch_timeout{5000};  ///< one batch's deadline
  /// Renewed by every batch; longer than a batch can run, so a live pruner never loses it
  /// mid-round, short enough that a dead node's lease soon passes to another.
  std::chrono::milliseconds lease{15000};
};

/// Its batches are transactions (label "actortx.prune") of the supervisor `home`; it ends with
/// it.
pruner_actor spawn_pruner(caf::actor_system& sys, supervisor_actor home, pruner_settings s);

}  // namespace actortx
