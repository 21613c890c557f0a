// Checks and summaries shared by the transfer and the saga runs.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "fault_report.hpp"
#include "fault_session.hpp"
#include "html_run_report.hpp"

namespace actortx {
class runtime;
}

namespace stress {

/// The runtime's records of the run's transactions (label "transfer", or a saga step of the
/// run's saga types; not the saga log's own fences) against the run's --timeout. With
/// `explain`: when a caller of explain->callers was over the bound, says where its time went
/// (from the same records) in explain->where_worst_went.
deadline_tally check_runtime_deadlines(actortx::runtime& rt, const options& o,
                                       const std::string& saga_type_prefix,
                                       deadline_checks* explain = nullptr);

/// Collects the session's fault records and counts (call after the invariant check).
fault_summary summarize_faults(const options& o, const fault_session& faults,
                               int64_t final_progress, bool invariants_ok);

/// "deadlines  callers: ...; records: ..." lines of the text report.
void print_deadlines(std::ostream& os, const deadline_checks& d);

}  // namespace stress
