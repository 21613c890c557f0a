// The load generator: `concurrency` client threads, each calling the blocking API in a loop.
//
// Why threads and not a driver actor: the blocking rt.transact is what most users call, each
// thread keeps exactly one request in flight (so in-flight = concurrency, with no extra
// bookkeeping), and a slow or stuck transaction can only hold up its own thread. The runtime
// itself stays event-based; these threads only wait on replies.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <actortx/tx_options.hpp>

#include "outcome_book.hpp"
#include "run_stats.hpp"

namespace actortx {
class runtime;
}

namespace stress {

struct workload_settings {
  int accounts = 100;
  int hot_accounts = 0;  ///< hotspot workload: accounts 1..hot_accounts get most transfers
  int concurrency = 16;
  int64_t transfers = 10000;  ///< total, unless `duration` is set
  std::optional<std::chrono::duration<double>> duration;
  bool allow_negative = false;
  uint64_t seed = 0;
  actortx::tx_options opts;
  /// --nodes: the worker nodes the transfers go to, as procedure calls, in turn (empty: this
  /// process's runtime runs them).
  std::vector<std::string> workers;
};

struct workload_result {
  outcome_tally tally;
  std::chrono::duration<double> wall{0};
};

class transfer_workload {
 public:
  transfer_workload(actortx::runtime& rt, workload_settings s)
      : rt_(rt), s_(std::move(s)), book_(s_.concurrency) {}

  /// Blocks until all transfers are done, the duration passed, or a stop was requested; in
  /// every case in-flight transfers finish first.
  workload_result run();

  const live_counters& live() const noexcept { return live_; }
  /// Every transfer's id and answered outcome (after run(): for the accounting).
  outcome_book& book() noexcept { return book_; }

 private:
  void client(int index, outcome_tally& tally);
  /// Claims the next transfer; false when the run is over.
  bool next_ticket(std::chrono::steady_clock::time_point end);

  actortx::runtime& rt_;
  workload_settings s_;
  live_counters live_;
  outcome_book book_;
  std::atomic<int64_t> issued_{0};
};

}  // namespace stress
