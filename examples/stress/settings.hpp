// The runtime settings the harness derives from its options (both workloads use them).
#pragma once

#include <string>

#include <actortx/runtime_config.hpp>
#include <actortx/tx_options.hpp>

#include "options.hpp"

namespace stress {

/// Capacity of the runtime's record ring in the harness: enough for a minute of a busy run,
/// so that the deadline check reads every transaction's record (~20 MB at most).
constexpr size_t record_ring = 100000;

/// Short backoff for a workload whose conflicts (deadlocks, serialization failures) clear
/// within milliseconds; ten retries stay well inside the default 5 s deadline.
actortx::tx_options transfer_options(const options& o);

/// A runtime on `dsn` with the pool fully open from the start, transfer_options() as its
/// defaults and a record ring of record_ring; with the dashboard when --dashboard was given.
actortx::runtime_config runtime_settings(const options& o, const std::string& dsn);

}  // namespace stress
