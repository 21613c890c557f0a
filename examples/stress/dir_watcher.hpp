// A directory that must not outlive its run, even when the run is killed with SIGKILL: a
// small watcher process (/bin/sh, in a session of its own, deaf to the terminal's signals)
// holds the read end of a pipe whose write end only this process has; EOF — however this
// process ends — makes it remove the directory. And at the latest the next run sweeps what
// a dead run left (sweep_stale_dirs).
#pragma once

#include <sys/types.h>

#include <string>

namespace stress {

class dir_watcher {
 public:
  /// Starts the watcher of `dir`; std::runtime_error if it cannot.
  explicit dir_watcher(std::string dir);
  /// Ends the watcher: it removes the directory unless keep() was called, and is reaped.
  ~dir_watcher();

  dir_watcher(const dir_watcher&) = delete;
  dir_watcher& operator=(const dir_watcher&) = delete;

  /// The directory stays (the watcher exits without touching it).
  void keep() noexcept;

 private:
  void finish(const char* line) noexcept;

  std::string dir_;
  pid_t pid_ = 0;
  int fd_ = -1;  ///< our end of the pipe, close-on-exec
};

/// The name of a run's directory under the temp dir: <prefix><pid>-XXXXXX (for mkdtemp).
std::string owned_dir_template(const std::string& prefix);

/// Removes <temp>/<prefix><pid>-* directories of ours whose pid is no longer alive; in those
/// marked `kept_marker` (kept on purpose, for their logs) only the files ending in
/// `secret_suffix`. Returns how many it cleaned.
int sweep_stale_dirs(const std::string& prefix, const std::string& kept_marker,
                     const std::string& secret_suffix);

}  // namespace stress
