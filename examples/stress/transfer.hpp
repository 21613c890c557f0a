// One bank transfer as a local transaction body.
#pragma once

#include <cstdint>
#include <string>

#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {
class runtime;
}

namespace stress {

struct transfer {
  int64_t id = 0;  ///< run-unique (outcome_book.hpp); the ledger row carries it
  int from = 0;
  int to = 0;
  int64_t amount = 0;
};

struct transfer_result {
  actortx::tx_outcome outcome;
  /// The debit found too little money: the transaction committed without moving any.
  bool skipped = false;
};

/// Debits `from` (only if it has enough, unless `allow_negative`), then credits `to`, in that
/// order whatever the ids: the lock order is random on purpose, so deadlocks occur and the
/// runtime must retry them. Writes the ledger row of `t.id` in the same transaction, also when
/// it skips (it then commits the row alone).
transfer_result run_transfer(actortx::runtime& rt, const actortx::tx_options& opts,
                             const transfer& t, bool allow_negative);

/// The same transfer as the procedure "transfer" on worker node `node` (bank_procedures.hpp).
/// Insufficient funds: the procedure rolls back and the result says `skipped`.
transfer_result run_remote_transfer(actortx::runtime& rt, const std::string& node,
                                    const actortx::tx_options& opts, const transfer& t,
                                    bool allow_negative);

}  // namespace stress
