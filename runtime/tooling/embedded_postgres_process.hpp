// The embedded cluster's process plumbing: finding the PostgreSQL programs, and starting
// them (fork + exec with a prepared setup), waiting for them, and signal handling around it.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace actortx::detail {

std::string errno_text();

bool is_executable(const std::string& path);

/// The newest /usr/lib/postgresql/<version>/bin (Debian's layout), else the directory of
/// pg_ctl on PATH; std::runtime_error saying how to install them when there is none.
std::string detect_bin_dir();

/// runuser's path (to run the server's tools as postgres when we are root), or throws.
std::string find_runuser();

/// How a child is set up between fork and exec. Everything is prepared before fork():
/// between fork and exec only async-signal-safe calls are allowed (the owner may have threads).
struct child_setup {
  int stdin_fd = -1;   // -1: /dev/null
  int output_fd = -1;  // stdout and stderr; -1: /dev/null
  const char* cwd = "/";
  bool drop_to_postgres = false;
  bool ignore_interrupts = false;  // SIGINT, SIGTERM, SIGHUP, SIGQUIT
  uid_t uid = 0;
  gid_t gid = 0;
};

/// fork + execve with an argument vector. The child gets its own session (so a Ctrl-C on the
/// owner's terminal does not reach it or the postmaster it starts), default signal handling,
/// and no file descriptors beyond 0-2: nothing of the owner leaks into PostgreSQL.
pid_t spawn(const std::vector<std::string>& args, const child_setup& setup);

/// The exit code of `pid`, or 128 + signal; -1 if it cannot be waited for.
int wait_for(pid_t pid) noexcept;

/// Writes to a pipe whose reader may be gone without dying of SIGPIPE.
void write_ignoring_sigpipe(int fd, const char* data, size_t size) noexcept;

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in this thread until release().
class interrupt_block {
 public:
  interrupt_block() noexcept;
  ~interrupt_block() { release(); }
  interrupt_block(const interrupt_block&) = delete;
  interrupt_block& operator=(const interrupt_block&) = delete;

  void release() noexcept;

 private:
  sigset_t old_;
  bool active_ = true;
};

}  // namespace actortx::detail
