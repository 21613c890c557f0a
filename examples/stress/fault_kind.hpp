// The kinds of fault actortx-stress --faults can inject, and the --faults list's syntax.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stress {

enum class fault_kind {
  terminate,  ///< pg_terminate_backend on some of the runtime's backends
  cancel,     ///< pg_cancel_backend on some of the runtime's busy backends
  lock,       ///< a transaction of our own holds row locks on a few accounts for a while
  restart,    ///< pg_ctl restart of the embedded cluster (only one the harness started)
  crash,      ///< kill -9 of the embedded postmaster and its backends, then crash recovery
  proxy,      ///< every connection of one runtime cut at once in its fault proxy
  kill_node,  ///< kill -9 of a worker node process, then a restart under the same node id
};

/// Every kind in declaration order (the canonical order of schedules and reports).
const std::vector<fault_kind>& all_fault_kinds();

/// "terminate", "cancel", "lock", "restart", "crash", "proxy", "kill-node".
const char* to_string(fault_kind k) noexcept;

std::optional<fault_kind> parse_fault_kind(const std::string& name);

/// What --faults asked for: "all", "none", or a comma-separated list of kind names.
struct fault_request {
  bool all = false;               ///< "all": every kind this run can inject
  std::vector<fault_kind> kinds;  ///< named kinds, canonical order, no duplicates
  bool any() const noexcept { return all || !kinds.empty(); }
};

/// Parses the --faults value; on an unknown name returns nullopt and sets `bad` to it.
std::optional<fault_request> parse_fault_request(const std::string& text, std::string& bad);

}  // namespace stress
