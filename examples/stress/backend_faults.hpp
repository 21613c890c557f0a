// Faults on the runtime's server processes: terminate backends, cancel running statements.
// The run's databases are its own (created for it), so every client backend on them that is
// not the harness's own admin connection is one of the runtime's.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace stress {

/// application_name of the harness's own connections during a fault run: never a victim.
extern const char* const admin_application_name;

struct backend_targets {
  std::string admin_dsn;               ///< any database of the cluster
  std::vector<std::string> databases;  ///< the run's databases
};

/// pg_terminate_backend on up to `n` of the runtime's backends, picked at random, looking
/// again for up to `patience` while none is connected (just after a restart or a cut, the
/// runtime is still reconnecting). Returns the pids it terminated.
std::vector<int> terminate_backends(const backend_targets& t, int n,
                                    std::chrono::milliseconds patience);

/// pg_cancel_backend on up to `n` of the runtime's backends that are running a statement,
/// looking again for up to `patience` while none is (between statements a backend waits for
/// its client, and a cancel then does nothing). Returns the pids it signalled.
std::vector<int> cancel_statements(const backend_targets& t, int n,
                                   std::chrono::milliseconds patience);

/// What is connected to the run's databases now, e.g. "3 idle, 1 active" (for a fault that
/// found no victim).
std::string backend_states(const backend_targets& t);

/// "812, 815" (at most `max` shown, then "...").
std::string pid_list(const std::vector<int>& pids, size_t max = 6);

}  // namespace stress
