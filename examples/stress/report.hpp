// The final report: aligned plain text, one figure per line, easy to read and to grep.
#pragma once

#include <iosfwd>
#include <string>

#include "invariants.hpp"
#include "latency_stats.hpp"
#include "options.hpp"
#include "run_stats.hpp"
#include "transfer_workload.hpp"

namespace stress {

struct run_report {
  const options* opts = nullptr;
  std::string target;  ///< host:port/dbname, plus "(embedded)" when we started it
  std::string schema;
  const live_counters* live = nullptr;
  const workload_result* result = nullptr;
  latency_summary latency;
  int stop_signal = 0;
};

void print_report(std::ostream& os, const run_report& r);

/// "invariant: OK" or "invariant: VIOLATED: <details>".
void print_invariant(std::ostream& os, const invariant_result& inv);

}  // namespace stress
