#include "runtime/tooling/embedded_postgres_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace actortx::detail {

namespace fs = std::filesystem;

std::string errno_text() {
  return std::strerror(errno);
}

bool is_executable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

namespace {

bool has_server_binaries(const std::string& dir) {
  return is_executable(dir + "/initdb") && is_executable(dir + "/pg_ctl") &&
         is_executable(dir + "/postgres");
}

/// "15" → {15, 0}, "9.6" → {9, 6}; {-1, -1} for anything else.
std::pair<int, int> parse_version(const std::string& s) {
  char* end = nullptr;
  long major = std::strtol(s.c_str(), &end, 10);
  if (end == s.c_str()) return {-1, -1};
  long minor = 0;
  if (*end == '.') minor = std::strtol(end + 1, &end, 10);
  if (*end != '\0') return {-1, -1};
  return {static_cast<int>(major), static_cast<int>(minor)};
}

}  // namespace

/// The newest /usr/lib/postgresql/<version>/bin (Debian's layout), else the directory of
/// pg_ctl on PATH (Debian does not put the server binaries on PATH).
std::string detect_bin_dir() {
  std::pair<int, int> best{-1, -1};
  std::string best_dir;
  std::error_code ec;
  for (fs::directory_iterator it{"/usr/lib/postgresql", ec}, end; !ec && it != end;
       it.increment(ec)) {
    auto version = parse_version(it->path().filename().string());
    auto dir = it->path().string() + "/bin";
    if (version > best && has_server_binaries(dir)) {
      best = version;
      best_dir = dir;
    }
  }
  if (!best_dir.empty()) return best_dir;
  if (const char* path = std::getenv("PATH")) {
    std::string rest = path;
    size_t pos = 0;
    while (pos <= rest.size()) {
      size_t colon = rest.find(':', pos);
      if (colon == std::string::npos) colon = rest.size();
      auto dir = rest.substr(pos, colon - pos);
      if (!dir.empty() && has_server_binaries(dir)) return dir;
      pos = colon + 1;
    }
  }
  throw std::runtime_error(
      "embedded_postgres: the PostgreSQL server programs (initdb, pg_ctl, postgres) were not "
      "found in /usr/lib/postgresql/*/bin or on PATH; install them with: apt-get install "
      "postgresql");
}

std::string find_runuser() {
  for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"})
    if (is_executable(p)) return p;
  throw std::runtime_error(
      "embedded_postgres: running as root needs runuser (util-linux) to stop the server as "
      "the postgres user; install it with: apt-get install util-linux");
}

/// fork + execve with an argument vector. The child gets its own session (so a Ctrl-C on the
/// owner's terminal does not reach it or the postmaster it starts), default signal handling,
/// and no file descriptors beyond 0-2: nothing of the owner leaks into PostgreSQL.
pid_t spawn(const std::vector<std::string>& args, const child_setup& setup) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The caller's PG* variables are for its clients, not for our server: initdb's bootstrap
  // backend refuses an empty PGPORT, and PGDATA, PGOPTIONS and the like would change the
  // cluster. dsn_or_embedded() starts one exactly when no PG* variable names a server.
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "PG", 2) != 0) env.push_back(*e);
  env.push_back(nullptr);
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) throw std::runtime_error("embedded_postgres: open /dev/null: " + errno_text());
  int in = setup.stdin_fd >= 0 ? setup.stdin_fd : devnull;
  int out = setup.output_fd >= 0 ? setup.output_fd : devnull;
  long max_fd = ::sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
  pid_t pid = ::fork();
  if (pid < 0) {
    auto err = errno_text();
    ::close(devnull);
    throw std::runtime_error("embedded_postgres: fork(): " + err);
  }
  if (pid == 0) {
    ::setsid();
    // Ignored signals survive exec; the server must see SIGINT/SIGTERM as usual. The reaper
    // ignores the terminal's signals from here on, before they are unblocked.
    struct sigaction act {};
    for (int sig = 1; sig < NSIG; ++sig) {
      bool ignore = setup.ignore_interrupts &&
                    (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT);
      act.sa_handler = ignore ? SIG_IGN : SIG_DFL;
      ::sigaction(sig, &act, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(126);
    if (::close_range(3, ~0U, 0) != 0)
      for (long fd = 3; fd < max_fd; ++fd) ::close(static_cast<int>(fd));
    if (setup.drop_to_postgres) {
      gid_t gid = setup.gid;
      if (::setgroups(1, &gid) != 0 || ::setgid(setup.gid) != 0 || ::setuid(setup.uid) != 0) {
        const char msg[] = "embedded_postgres: cannot switch to the postgres user\n";
        [[maybe_unused]] auto n = ::write(2, msg, sizeof(msg) - 1);
        ::_exit(126);
      }
    }
    // initdb and pg_ctl fail when the working directory is not accessible to them.
    if (::chdir(setup.cwd) != 0 && ::chdir("/") != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), env.data());
    const char msg[] = "embedded_postgres: cannot execute ";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof(msg) - 1);
    n = ::write(2, argv[0], std::strlen(argv[0]));
    n = ::write(2, "\n", 1);
    ::_exit(127);
  }
  ::close(devnull);
  return pid;
}

/// The exit code of `pid`, or 128 + signal; -1 if it cannot be waited for.
int wait_for(pid_t pid) noexcept {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// Writes to a pipe whose reader may be gone without dying of SIGPIPE.
void write_ignoring_sigpipe(int fd, const char* data, size_t size) noexcept {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n;
  do {
    n = ::write(fd, data, size);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EPIPE) {
    // Consume the SIGPIPE this thread just got, so it does not fire on unblocking.
    timespec zero{0, 0};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

interrupt_block::interrupt_block() noexcept {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  ::pthread_sigmask(SIG_BLOCK, &set, &old_);
}

void interrupt_block::release() noexcept {
  if (active_) ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  active_ = false;
}

}  // namespace actortx::detail
