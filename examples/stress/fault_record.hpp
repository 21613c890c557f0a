// What happened to each scheduled fault, and the per-kind counts the report shows.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fault_schedule.hpp"

namespace stress {

struct fault_record {
  fault_event planned;
  std::chrono::milliseconds started{0};  ///< actual offset (a long fault delays the next)
  std::chrono::milliseconds took{0};
  bool injected = false;        ///< the action ran; false: skipped or it failed (see `effect`)
  std::string effect;           ///< e.g. "2 backend(s) terminated (pids 812, 815)"
  int64_t progress_at_end = 0;  ///< the workload's succeeded requests when the fault ended
  /// From the end of the fault to the next succeeded request, if seen before the next fault.
  std::optional<std::chrono::milliseconds> resumed_after;
};

struct fault_counts {
  int64_t scheduled = 0;
  int64_t injected = 0;
  /// Injected, the workload went on afterwards (requests succeeded after it ended), and the
  /// invariants hold at the end of the run.
  int64_t survived = 0;
  std::chrono::milliseconds slowest_resume{0};  ///< of the resumes that were measured
};

/// Counts per kind (every kind of the schedule is present, with zeros if need be).
/// `final_progress`: succeeded requests at the end of the workload.
std::map<fault_kind, fault_counts> count_faults(const std::vector<fault_record>& records,
                                                int64_t final_progress, bool invariants_ok);

/// Sum over the kinds.
fault_counts total(const std::map<fault_kind, fault_counts>& counts);

}  // namespace stress
