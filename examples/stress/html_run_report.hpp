// --report FILE: the run as a self-contained HTML page (runtime/html_report.hpp), from the
// harness's own figures, the invariant check and the runtime's metrics report.
#pragma once

#include <cstdint>
#include <string>

#include <actortx/runtime.hpp>
#include <actortx/tooling/html_report.hpp>

#include "fault_report.hpp"
#include "invariants.hpp"
#include "report.hpp"
#include "saga_invariants.hpp"

namespace stress {

/// Configuration and figures of a transfer run (before its invariant check).
actortx::run_summary transfer_summary(const run_report& r);
/// The same for a --saga run; the metrics are runtime A's (the saga log's).
actortx::run_summary saga_summary(const saga_report& r);

/// The deadline checks' tallies: the callers' wall times and the runtime's records.
struct deadline_checks {
  deadline_tally callers;
  deadline_tally records;
  /// --nodes: workers whose records went in (each worker's last incarnation: one killed by a
  /// fault takes its records with it), and of how many.
  int workers_reported = 0;
  int workers = 0;
  /// The worst caller over the bound: where its time went (deadline_check.hpp).
  std::string where_worst_went;
};

/// What was checked, and the verdict, for the transfer invariants.
void add_transfer_invariants(actortx::run_summary& run, const options& o,
                             const deadline_checks& deadlines, const invariant_result& inv);
/// The same for the --saga invariants, with the log's counts.
void add_saga_invariants(actortx::run_summary& run, const options& o, const saga_log_summary& log,
                         const deadline_checks& deadlines, const invariant_result& inv);

/// Waits until the runtime's metrics have counted `finished` transactions (records arrive
/// after the callers got their outcomes), at most two seconds.
void wait_for_records(actortx::runtime& rt, uint64_t finished);

/// The runtime's report once its metrics have counted `finished` transactions.
actortx::metrics_report final_metrics(actortx::runtime& rt, uint64_t finished);

/// Writes the HTML to `path` (with a Faults section when `faults` is given); prints where it
/// went. False (with a message on stderr) if the file cannot be written.
bool write_html_report(const std::string& path, const actortx::run_summary& run,
                       const actortx::metrics_report& report,
                       const fault_summary* faults = nullptr);

}  // namespace stress
