// Runs a helper process whose stderr goes to ours (so its progress shows as it runs) and whose
// stdout is captured (its result).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bench {

struct child_result {
  int exit_code = -1;  ///< 128 + signal number if it was killed
  std::string output;  ///< what it wrote to stdout
};

/// Runs `argv[0]` (an absolute path) with `argv`, the current environment plus `extra_env`
/// (which overrides variables of the same name), and waits for it. Throws std::runtime_error if
/// it cannot be started.
child_result run_child(const std::vector<std::string>& argv,
                       const std::vector<std::pair<std::string, std::string>>& extra_env = {});

/// The absolute path of the running program (/proc/self/exe).
std::string self_exe();

}  // namespace bench
