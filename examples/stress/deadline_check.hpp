// "No transaction outlived its deadline by more than 50 ms": each transaction's wall time,
// measured by the caller around the blocking call, against its tx_options timeout; and the
// runtime's own records of the run's transactions against the same timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <actortx/metrics.hpp>
#include <actortx/tx_outcome.hpp>

#include "invariants.hpp"

namespace stress {

/// How far past its deadline a transaction may end (the bound).
constexpr std::chrono::milliseconds deadline_slack{50};

struct deadline_tally {
  int64_t checked = 0;
  int64_t over = 0;  ///< ended more than deadline_slack after the deadline
  /// The largest wall time minus timeout (negative: every transaction ended in time).
  std::chrono::microseconds worst{std::chrono::microseconds::min()};
  std::string worst_what;                   ///< which transaction that was (label, id or state)
  uint64_t worst_id = 0;                    ///< its id (the runtime's outcome id)
  std::chrono::microseconds worst_wall{0};  ///< its wall time
  /// Lateness (wall time minus timeout) of the callers answered by their deadline: TIMEOUT or
  /// IN_DOUBT at or after it. Bounded: the first max_late_samples only.
  std::vector<int64_t> late_us;
  static constexpr size_t max_late_samples = 1'000'000;

  /// One transaction `id` with `label`, and `outcome` (its state and message, for callers) —
  /// kept only if it is the worst so far.
  void add(std::chrono::microseconds wall, std::chrono::milliseconds timeout, const char* label,
           uint64_t id, const actortx::tx_outcome* outcome = nullptr);
  void merge(const deadline_tally& other);
};

/// The runtime's records (tx_record.duration) of transactions that `applies` accepts, each
/// against `timeout`.
deadline_tally check_records(const std::vector<actortx::tx_record>& records,
                             std::chrono::milliseconds timeout,
                             const std::function<bool(const actortx::tx_record&)>& applies);

/// Adds a violation to `inv` for each tally with a transaction over the bound.
void add_deadline_invariant(invariant_result& inv, const deadline_tally& callers,
                            const deadline_tally& records);

/// How where_the_time_went says that `records` hold no record of the transaction.
inline constexpr const char* no_record = "no record of it in the runtime";

/// Where the time of the worst caller went, when it was over the bound: the runtime's record
/// of the same transaction (`records`) against the caller's wall time, e.g. "tx 57: the
/// runtime's record ends +0.4 ms relative to the deadline (TIMEOUT, 1 attempt); the caller's
/// answer came 70.1 ms after that". Empty when no caller was over.
std::string where_the_time_went(const deadline_tally& callers,
                                const std::vector<actortx::tx_record>& records,
                                std::chrono::milliseconds timeout);

/// "worst +12.3 ms past the deadline (label ...)", for reports.
std::string describe(const deadline_tally& t);

/// A tally as two lines of text (a worker node hands its records' tally to the coordinator in
/// a file), and back; nullopt when the text is not such a tally.
std::string to_text(const deadline_tally& t);
std::optional<deadline_tally> tally_from_text(const std::string& text);

}  // namespace stress
