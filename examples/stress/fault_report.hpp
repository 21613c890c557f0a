// The faults part of the reports: counts per kind (text and HTML), and the HTML section with
// every fault, spliced into the runtime's run report.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include <actortx/tooling/html_report.hpp>

#include "fault_record.hpp"

namespace stress {

struct fault_summary {
  uint64_t seed = 0;
  std::string digest;
  std::vector<std::string> notes;  ///< kinds asked for but off, with why
  std::vector<fault_record> records;
  std::map<fault_kind, fault_counts> counts;
};

/// The table of counts per kind, with a total line and the notes.
void print_fault_report(std::ostream& os, const fault_summary& f);

/// Adds the fault figures ("faults injected", per kind "injected / survived") to `run`.
void add_fault_figures(actortx::run_summary& run, const fault_summary& f);

/// `html` (a rendered run report) with a "Faults" section (counts per kind, then every fault
/// with offset, kind, what it did, and when the workload went on) before its first section.
std::string with_fault_section(const std::string& html, const fault_summary& f);

}  // namespace stress
