// The --saga load generator: `concurrency` client threads, each running one transfer saga at a
// time through the blocking run_saga (as transfer_workload does with transactions).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <actortx/saga_outcome.hpp>

#include "outcome_book.hpp"
#include "run_stats.hpp"
#include "transfer_saga.hpp"

namespace actortx {
class runtime;
}

namespace stress {

struct saga_workload_settings {
  int accounts = 100;  ///< per database; account accounts + 1 is the frozen one
  int concurrency = 16;
  int64_t transfers = 10000;  ///< total, unless `duration` is set
  std::optional<std::chrono::duration<double>> duration;
  double fail_rate = 0.1;  ///< fraction of transfers to the frozen account
  uint64_t seed = 0;
  std::string run;  ///< saga ids are <run>-<client>-<n>, so the run's sagas can be found
  transfer_saga_types types;
  /// How long a client waits for an outcome (the saga goes on without it: it is durable).
  std::chrono::milliseconds saga_timeout{120000};
  /// --workload mixed: the share of requests that are local transfers (half on A, half on B)
  /// instead of sagas; 0 for --workload saga.
  double transfer_share = 0;
  actortx::tx_options transfer_opts;  ///< options of those transfers
  bool allow_negative = false;
  /// --nodes: the workers the local transfers go to as procedure calls (empty: this process).
  std::vector<std::string> workers;
};

/// What the callers saw.
struct saga_workload_result {
  /// Latencies of all sagas; `failures`: why sagas did not commit ("compensated at credit",
  /// "FAILED: compensation_failed", "no outcome", ...) with a sample message.
  outcome_tally tally;
  /// Saga id and final state of every outcome a caller received (to compare with the log).
  std::vector<std::pair<std::string, actortx::saga_state>> reported;
  /// --workload mixed: what the local transfers came to (latencies, failures, deadlines).
  outcome_tally transfer_tally;
  int64_t started = 0;    ///< run_saga calls
  int64_t to_frozen = 0;  ///< of those, sent to the frozen account on purpose
  std::chrono::duration<double> wall{0};
};

class saga_workload {
 public:
  /// `rt_b`: the runtime on database B, for the mixed workload's transfers there.
  saga_workload(actortx::runtime& rt_a, saga_workload_settings s, actortx::runtime* rt_b = nullptr)
      : rt_(rt_a), rt_b_(rt_b), s_(std::move(s)), transfer_book_(s_.concurrency) {}

  /// Blocks until all sagas are done, the duration passed, or a stop was requested; in every
  /// case the sagas in flight finish (or their callers time out) first.
  saga_workload_result run();

  const live_counters& live() const noexcept { return live_; }
  /// --workload mixed: the local transfers.
  const live_counters& transfers_live() const noexcept { return transfers_live_; }
  /// --workload mixed: every local transfer's id and answered outcome (for the accounting).
  outcome_book& transfer_book() noexcept { return transfer_book_; }

 private:
  void client(int index, saga_workload_result& out);
  bool next_ticket(std::chrono::steady_clock::time_point end);
  void record(const actortx::saga_outcome& out, saga_workload_result& r);

  void local_transfer(int index, std::mt19937_64& rng, saga_workload_result& r);

  actortx::runtime& rt_;
  actortx::runtime* rt_b_;
  saga_workload_settings s_;
  live_counters live_;
  live_counters transfers_live_;
  outcome_book transfer_book_;
  std::atomic<uint64_t> next_worker_{0};
  std::atomic<int64_t> issued_{0};
};

}  // namespace stress
