// The final report: aligned plain text, one figure per line, easy to read and to grep.
#pragma once

#include <iosfwd>
#include <string>

#include "invariants.hpp"
#include "latency_stats.hpp"
#include "options.hpp"
#include "run_stats.hpp"
#include "saga_invariants.hpp"
#include "saga_workload.hpp"
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

/// --saga: what the callers saw.
struct saga_report {
  const options* opts = nullptr;
  std::string target;    ///< database A (the saga log's), plus "(embedded)"
  std::string target_b;  ///< database B, plus "(created for the run)"
  std::string schema;
  const live_counters* live = nullptr;
  const live_counters* transfers_live = nullptr;  ///< --workload mixed: the local transfers
  const saga_workload_result* result = nullptr;
  latency_summary latency;
  latency_summary transfer_latency;
  int stop_signal = 0;
};

void print_saga_report(std::ostream& os, const saga_report& r);

/// --saga: the run's sagas by state according to the log, and the compensations applied.
void print_saga_log(std::ostream& os, const saga_log_summary& s);

/// "invariant: OK" or "invariant: VIOLATED: <details>".
void print_invariant(std::ostream& os, const invariant_result& inv);

}  // namespace stress
