#include "fault_record.hpp"

#include <algorithm>

namespace stress {

std::map<fault_kind, fault_counts> count_faults(const std::vector<fault_record>& records,
                                                int64_t final_progress, bool invariants_ok) {
  std::map<fault_kind, fault_counts> out;
  for (const auto& r : records) {
    auto& c = out[r.planned.kind];
    ++c.scheduled;
    if (!r.injected) continue;
    ++c.injected;
    // "Went on": a request succeeded after the fault ended. A resume seen by the injector
    // proves it directly; otherwise the final count must have moved past the fault's.
    const bool went_on = r.resumed_after.has_value() || final_progress > r.progress_at_end;
    if (went_on && invariants_ok) ++c.survived;
    if (r.resumed_after) c.slowest_resume = std::max(c.slowest_resume, *r.resumed_after);
  }
  return out;
}

fault_counts total(const std::map<fault_kind, fault_counts>& counts) {
  fault_counts t;
  for (const auto& [kind, c] : counts) {
    t.scheduled += c.scheduled;
    t.injected += c.injected;
    t.survived += c.survived;
    t.slowest_resume = std::max(t.slowest_resume, c.slowest_resume);
  }
  return t;
}

}  // namespace stress
