// Retention: what a pruning round deleted (runtime::prune_now(), the periodic pruner's log line).
// Finished sagas (with their steps and history) and idempotency keys older than
// runtime_config::retention are pruned in small batches by one node at a time (a lease).
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace actortx {

/// The rows one pruning round deleted, summed over its batches.
struct prune_report {
  uint64_t sagas = 0;    ///< COMMITTED and COMPENSATED sagas (FAILED ones stay for an operator)
  uint64_t steps = 0;    ///< their saga_step rows, deleted in the same batch as the saga
  uint64_t events = 0;   ///< their saga_event rows (history), likewise
  uint64_t keys = 0;     ///< idempotency keys
  uint32_t batches = 0;  ///< transactions that deleted (or found nothing more to delete)
  /// '' when this node held the pruning lease; else the node holding it, and nothing was
  /// deleted by this round (that node prunes).
  std::string held_by;
  /// The cutoff the round used: rows last changed before it were pruned (ISO 8601, UTC).
  std::string cutoff;

  bool lease_held_elsewhere() const noexcept { return !held_by.empty(); }
  uint64_t rows() const noexcept { return sagas + steps + events + keys; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, prune_report& x) {
    return f(caf::meta::type_name("actortx::prune_report"), x.sagas, x.steps, x.events, x.keys,
             x.batches, x.held_by, x.cutoff);
  }
};

}  // namespace actortx
