// Runs a helper program (pgbench, or the benchmark itself as a child) and captures its output.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bench {

struct process_result {
  int exit_code = -1;  ///< 128 + signal number if it was killed
  std::string output;  ///< stdout, and stderr too when captured
  /// The child's own resource use (wait4): CPU user + system over all its threads, and its
  /// context switches (voluntary + involuntary); its own children are not included.
  double cpu_us = 0;
  int64_t context_switches = 0;
};

/// Runs `argv[0]` (an absolute path) with `argv`, the current environment plus `extra_env`
/// (which overrides variables of the same name), and waits for it. With `capture_stderr`
/// false the child's stderr goes to ours (its progress shows as it runs). Throws
/// std::runtime_error if it cannot be started.
process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                           bool capture_stderr = true);

/// The absolute path of the running program (/proc/self/exe).
std::string self_exe();

}  // namespace bench
