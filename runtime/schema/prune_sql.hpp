// The SQL of retention: one pruning batch (actortx.prune_batch of migration 003) as a script,
// and its answer read back. Pure: the pruner actor sends the script through the supervisor.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <actortx/retention.hpp>
#include <actortx/statement.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// What one batch is asked to do.
struct prune_batch_args {
  std::string owner;                   ///< this node's id, the lease's owner
  std::chrono::milliseconds lease{0};  ///< how long the lease lasts from this batch's start
  /// The clock the retention counts from: unset = the server's now(); tests and operators
  /// pass a time of their own ("as of").
  std::optional<std::chrono::system_clock::time_point> as_of;
  std::chrono::milliseconds retention{0};
  uint32_t batch = 0;  ///< at most this many sagas, and this many keys
};

/// One statement: takes or renews the lease and, when held, deletes one batch.
tx_script prune_batch_script(const prune_batch_args& args);

/// One batch's counts (held_by set: nothing deleted). Throws std::runtime_error naming the
/// cause when the batch did not commit or answered something else.
prune_report parse_prune_batch(const tx_outcome& out);

/// Adds a batch to a round's sums; true when the round should go on (the batch was full for
/// sagas or keys, so more may wait).
bool add_batch(prune_report& round, const prune_report& batch, uint32_t batch_size);

}  // namespace actortx
