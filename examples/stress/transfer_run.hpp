// The transfer and hotspot workloads: one database, one runtime, local transactions.
#pragma once

#include "options.hpp"

namespace stress {

/// Runs the workload (with faults if asked), prints the report, checks the invariants.
/// Returns the exit code (options.hpp).
int run_transfer_mode(const options& o);

}  // namespace stress
