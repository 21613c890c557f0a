// Runs a helper program (pgbench) and captures what it prints.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bench {

struct process_result {
  int exit_code = -1;  ///< 128 + signal number if it was killed
  std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `argv[0]` (an absolute path) with `argv`, the current environment plus `extra_env`,
/// and waits for it. Throws std::runtime_error if it cannot be started.
process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& extra_env = {});

}  // namespace bench
