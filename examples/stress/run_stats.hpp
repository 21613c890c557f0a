// What the transfers came to: live counters for the progress line, and per-worker tallies
// (latencies, failures by SQLSTATE) merged once at the end so workers never contend on them.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <actortx/tx_outcome.hpp>

#include "deadline_check.hpp"
#include "latency_stats.hpp"

namespace stress {

/// Updated by every worker after each transfer; read by the progress display.
struct live_counters {
  std::atomic<int64_t> done{0};       ///< transfers finished, whatever the outcome
  std::atomic<int64_t> committed{0};  ///< committed with money moved
  std::atomic<int64_t> skipped{0};    ///< committed without a move: insufficient funds
  std::atomic<int64_t> retries{0};    ///< attempts beyond the first, summed
  std::atomic<int64_t> timeouts{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> in_doubt{0};
  std::atomic<int64_t> compensated{0};  ///< --saga: undone after a step failed
};

struct failure_info {
  int64_t count = 0;
  std::string sample;  ///< message of the first such failure, for diagnosis
};

/// One worker's private record; merged into the summary after the run.
struct outcome_tally {
  latency_histogram latencies;                   ///< outcome.duration of every transfer
  std::map<std::string, failure_info> failures;  ///< SQLSTATE, or errc name if none
  /// Wall time of each blocking call against its deadline, as the caller measured it.
  deadline_tally deadlines;

  void merge(outcome_tally&& other);
};

/// Requests that ended as asked: committed (or skipped for want of money), or for sagas
/// compensated. Faults are survived when this keeps growing after them.
int64_t succeeded(const live_counters& live) noexcept;

/// Counts one outcome in both the live counters and the worker's tally.
void record_outcome(const actortx::tx_outcome& out, bool skipped, live_counters& live,
                    outcome_tally& tally);

}  // namespace stress
