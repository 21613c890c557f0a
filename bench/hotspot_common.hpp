// The hot-spot workload: serializable transfers between a handful of accounts, and what one
// phase of it measured. Shared by the actortx and the pgbench side of actortx-bench-hotspot.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace bench::hotspot {

/// The two statements of a transfer ($1 amount, $2 account); pgbench's script spells the same.
inline const std::string debit_sql =
    "UPDATE hotspot_account SET balance = balance - $1 WHERE id = $2";
inline const std::string credit_sql =
    "UPDATE hotspot_account SET balance = balance + $1 WHERE id = $2";

struct transfer {
  int from = 1, to = 2, amount = 1;
};

/// from uniform in 1..accounts, to uniform among the other accounts, amount uniform in 1..100.
/// `to = (from + r) % accounts + 1` with r in 0..accounts-2, exactly as the pgbench script.
class transfer_generator {
 public:
  transfer_generator(int accounts, uint64_t seed)
      : accounts_(accounts),
        rng_(seed),
        from_(1, accounts),
        offset_(0, accounts - 2),
        amount_(1, 100) {}

  transfer next() {
    transfer t;
    t.from = from_(rng_);
    t.to = (t.from + offset_(rng_)) % accounts_ + 1;
    t.amount = amount_(rng_);
    return t;
  }

 private:
  int accounts_;
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int> from_, offset_, amount_;
};

/// What one phase measured. A transaction counts if it ended inside the measured window.
struct result {
  std::string mode;
  double seconds = 0;                 ///< length of the measured window
  int64_t commits = 0;                ///< committed transactions
  int64_t failed = 0;                 ///< transactions that ended without a commit
  int64_t attempts = 0;               ///< attempts of the counted transactions, failed ones too
  std::vector<int64_t> latencies_ns;  ///< client-side, per committed transaction, retries included
  std::map<std::string, int64_t> retry_causes;   ///< SQLSTATE of each failed attempt (actortx)
  std::map<std::string, int64_t> failed_states;  ///< final state of each failed one (actortx)
  std::string first_failure;
  int64_t server_deadlocks = -1;  ///< pg_stat_database.deadlocks during the phase; -1: unknown

  /// actortx only, over the whole phase (warm-up and stragglers included): the net change of
  /// every account (index = id) by the transfers reported COMMITTED, and the transfers
  /// reported IN_DOUBT (applied or not). Failed, timed-out and rolled-back ones must be absent.
  bool has_ledger = false;
  std::vector<int64_t> committed_delta;
  std::vector<transfer> in_doubt;
  bool invariant_ok = true;
  std::string invariant_note;  ///< what was violated
  std::string ledger_note;     ///< how the per-account check passed

  double goodput() const { return seconds > 0 ? static_cast<double>(commits) / seconds : 0; }
  double attempts_per_commit() const {
    return commits > 0 ? static_cast<double>(attempts) / static_cast<double>(commits) : 0;
  }
};

}  // namespace bench::hotspot
