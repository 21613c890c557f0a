// A child program that keeps running while a test (or benchmark) talks to it: its stdin is a
// pipe we hold (closing it asks the child to stop), its stdout a pipe we read lines from (e.g.
// the port it listens on), its stderr a file (its log, read after it ended).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace actortx::test {

class child_process {
 public:
  /// Starts `argv[0]` (a path) with `argv`. `stderr_path` empty: the child's stderr is ours.
  /// Throws std::runtime_error if it cannot be started.
  explicit child_process(std::vector<std::string> argv, std::string stderr_path = {});
  /// Kills a child still running (SIGKILL) and reaps it.
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The rest of the first stdout line starting with `prefix`, waiting at most `limit`. Throws
  /// std::runtime_error naming the prefix (and the child's exit) when none comes.
  std::string wait_for_line(const std::string& prefix, std::chrono::milliseconds limit);

  /// SIGKILL, then reaps the child.
  void kill9();
  /// Closes its stdin and waits up to `limit` for it to exit; returns its exit code, or -1
  /// when it had to be killed (or died of a signal).
  int stop(std::chrono::milliseconds limit = std::chrono::seconds(15));
  bool running() const noexcept { return pid_ > 0; }
  pid_t pid() const noexcept { return pid_; }

 private:
  /// Reaps the child if it has exited (or waits for it); updates pid_.
  bool reap(bool block, int* code);
  pid_t pid_ = -1;
  int in_ = -1;           // write end of the child's stdin
  int out_ = -1;          // read end of the child's stdout
  std::string buffered_;  // read from stdout, not yet returned as a line
  std::string program_;
};

}  // namespace actortx::test
