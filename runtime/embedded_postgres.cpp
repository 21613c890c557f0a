#include "runtime/embedded_postgres.hpp"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace actortx {

namespace {

namespace fs = std::filesystem;

constexpr int start_attempts = 5;
constexpr int log_tail_lines = 20;
constexpr const char* pg_ctl_timeout = "60";
constexpr const char* busy_file = "tool.pid";  // pid of the running initdb / pg_ctl

/// The reaper's script. $1: "pipe" (wait for EOF on stdin) or a pid to poll; $2: pg_ctl;
/// $3: data dir; $4: base dir; $5: runuser path when the server runs as postgres, else "".
/// It ignores INT/TERM/HUP so that a Ctrl-C on the owner's terminal cannot stop it before
/// it has cleaned up.
constexpr const char* reaper_script = R"sh(trap '' INT TERM HUP
if [ "$1" = pipe ]; then
  line=
  IFS= read -r line
  # "q": the owner has already stopped the server and deleted the directory.
  [ "$line" = q ] && exit 0
else
  while kill -0 "$1" 2>/dev/null && [ -d "$4" ]; do sleep 1; done
fi
[ -d "$4" ] || exit 0
# Let an initdb / pg_ctl the owner left behind finish, so that what it starts is stopped too.
n=0
while [ $n -lt 240 ] && pid=$(cat "$4/tool.pid" 2>/dev/null) && [ -n "$pid" ] &&
      kill -0 "$pid" 2>/dev/null; do
  sleep 0.5
  n=$((n + 1))
done
if [ -n "$5" ]; then
  "$5" -u postgres -- "$2" stop -D "$3" -m immediate -w -t 30
else
  "$2" stop -D "$3" -m immediate -w -t 30
fi
rm -rf -- "$4"
)sh";

std::string errno_text() {
  return std::strerror(errno);
}

bool is_executable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

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

/// pg_ctl passes -D/-l paths to /bin/sh inside double quotes; these would break them.
bool shell_safe_path(const std::string& p) {
  return p.find_first_of("\"\\$`\n") == std::string::npos;
}

/// A unix socket path is limited to 107 bytes: "<dir>/.s.PGSQL.65535.lock" must fit.
bool short_enough_for_socket(const std::string& base) {
  return base.size() + std::strlen("/.s.PGSQL.65535.lock") < sizeof(sockaddr_un::sun_path);
}

std::string single_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

/// A value as libpq's conninfo parser reads it back.
std::string dsn_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\n'\\") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("embedded_postgres: socket(): " + errno_text());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    auto err = errno_text();
    ::close(fd);
    throw std::runtime_error("embedded_postgres: cannot find a free TCP port: " + err);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

std::string tail_lines(const std::string& text, int n) {
  std::deque<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.emplace_back(text.substr(pos, nl - pos));
    if (static_cast<int>(lines.size()) > n) lines.pop_front();
    pos = nl + 1;
  }
  std::string out;
  for (auto& l : lines) out += "  " + l + "\n";
  return out;
}

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
pid_t spawn(const std::vector<std::string>& args, const child_setup& setup) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
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
    ::execve(argv[0], argv.data(), environ);
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

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in this thread until release().
class interrupt_block {
 public:
  interrupt_block() noexcept {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~interrupt_block() { release(); }
  interrupt_block(const interrupt_block&) = delete;
  interrupt_block& operator=(const interrupt_block&) = delete;

  void release() noexcept {
    if (active_) ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    active_ = false;
  }

 private:
  sigset_t old_;
  bool active_ = true;
};

}  // namespace

embedded_postgres::embedded_postgres() : embedded_postgres(options{}) {}

embedded_postgres::embedded_postgres(options opts) : opts_(std::move(opts)) {
  if (opts_.max_connections < 1)
    throw std::invalid_argument("embedded_postgres: max_connections must be at least 1");
  if (opts_.bin_dir.empty()) {
    bin_dir_ = detect_bin_dir();
  } else {
    bin_dir_ = opts_.bin_dir;
    for (const char* prog : {"initdb", "pg_ctl", "postgres"})
      if (!is_executable(bin_dir_ + "/" + prog))
        throw std::runtime_error("embedded_postgres: " + bin_dir_ + "/" + prog +
                                 " is missing or not executable; install PostgreSQL with: "
                                 "apt-get install postgresql");
  }
  if (::geteuid() == 0) {
    // PostgreSQL refuses to run as root.
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr)
      throw std::runtime_error(
          "embedded_postgres: running as root, but there is no `postgres` OS user to run the "
          "server as (apt-get install postgresql creates it)");
    as_postgres_ = true;
    pg_uid_ = pw->pw_uid;
    pg_gid_ = pw->pw_gid;
    runuser_ = find_runuser();
  }
  // Between creating the temp dir and the reaper taking charge of it, a Ctrl-C would leave
  // the dir behind: hold the terminal's signals back until the reaper runs (own session).
  interrupt_block hold;
  make_base_dir();
  try {
    // The reaper comes first so that even a crash during initdb leaves nothing behind.
    start_reaper();
    hold.release();
    std::vector<std::string> initdb{bin_dir_ + "/initdb", "-D", data_dir_};
    initdb.insert(initdb.end(),
                  {"-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"});
    int rc = run_tool(initdb);
    if (rc != 0)
      throw std::runtime_error(failure("initdb failed (exit code " + std::to_string(rc) + ")"));
    start_server();
  } catch (...) {
    stop();
    throw;
  }
}

embedded_postgres::~embedded_postgres() {
  if (opts_.detach && running_) {
    // Left running on purpose. reaper_fd_ stays open (pipe mode) until this process exits, so
    // the reaper still removes the cluster then; in poll mode it waits for the given pid.
    return;
  }
  stop();
}

void embedded_postgres::make_base_dir() {
  std::string parent = opts_.parent_dir;
  if (!parent.empty()) {
    if (!shell_safe_path(parent))
      throw std::runtime_error("embedded_postgres: parent_dir \"" + parent +
                               "\" contains a character pg_ctl cannot quote (\", \\, $, `)");
    if (!short_enough_for_socket(parent + "/actortx-pg-XXXXXX"))
      throw std::runtime_error("embedded_postgres: parent_dir \"" + parent +
                               "\" is too long for a unix socket path");
  } else {
    const char* tmp = std::getenv("TMPDIR");
    parent = tmp != nullptr ? tmp : "";
    // An unusable $TMPDIR is no reason to fail: /tmp always works.
    if (parent.empty() || !shell_safe_path(parent) ||
        !short_enough_for_socket(parent + "/actortx-pg-XXXXXX"))
      parent = "/tmp";
  }
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  std::string templ = parent + "/actortx-pg-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr)
    throw std::runtime_error("embedded_postgres: cannot create a temp dir in " + parent + ": " +
                             errno_text());
  base_dir_ = buf.data();
  data_dir_ = base_dir_ + "/data";
  log_file_ = base_dir_ + "/postgres.log";
  ctl_log_ = base_dir_ + "/pg_ctl.log";
  if (as_postgres_ && ::chown(base_dir_.c_str(), pg_uid_, pg_gid_) != 0) {
    auto err = errno_text();
    ::rmdir(base_dir_.c_str());
    throw std::runtime_error("embedded_postgres: cannot chown " + base_dir_ +
                             " to postgres: " + err);
  }
}

void embedded_postgres::start_reaper() {
  std::vector<std::string> args{"/bin/sh", "-c", reaper_script, "actortx-pg-reaper"};
  args.push_back(opts_.reap_when_pid_exits != 0 ? std::to_string(opts_.reap_when_pid_exits)
                                                : std::string{"pipe"});
  args.insert(args.end(), {bin_dir_ + "/pg_ctl", data_dir_, base_dir_, runuser_});
  child_setup setup;  // runs as the owner: it must be able to watch and remove everything
  setup.ignore_interrupts = true;
  int fds[2] = {-1, -1};
  if (opts_.reap_when_pid_exits == 0) {
    // The write end stays with us (close-on-exec: postgres must never hold it); the reaper
    // reads EOF the moment this process dies, however it dies.
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("embedded_postgres: pipe2(): " + errno_text());
    setup.stdin_fd = fds[0];
  }
  try {
    reaper_pid_ = spawn(args, setup);
  } catch (...) {
    if (fds[0] >= 0) {
      ::close(fds[0]);
      ::close(fds[1]);
    }
    throw;
  }
  if (fds[0] >= 0) {
    ::close(fds[0]);
    reaper_fd_ = fds[1];
  }
}

std::vector<std::string> embedded_postgres::server_options() const {
  // A throwaway cluster: durability settings are off because nothing here needs to survive
  // a machine crash, and they make tests and the stress demo much faster.
  return {"-p", std::to_string(port_),
          "-k", base_dir_,
          "-c", "listen_addresses=127.0.0.1",
          "-c", "max_connections=" + std::to_string(opts_.max_connections),
          "-c", "fsync=off",
          "-c", "synchronous_commit=off",
          "-c", "full_page_writes=off",
          "-c", "shared_buffers=64MB"};
}

int embedded_postgres::pg_ctl(const std::vector<std::string>& args) noexcept {
  try {
    std::vector<std::string> argv{bin_dir_ + "/pg_ctl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_tool(argv);
  } catch (...) {
    return -1;
  }
}

int embedded_postgres::run_tool(const std::vector<std::string>& argv) noexcept {
  int fd = -1;
  int rc = -1;
  try {
    fd = ::open(ctl_log_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    child_setup setup;
    setup.output_fd = fd;
    setup.cwd = base_dir_.c_str();
    setup.drop_to_postgres = as_postgres_;
    setup.uid = pg_uid_;
    setup.gid = pg_gid_;
    pid_t pid = spawn(argv, setup);
    // If we die now, the reaper first waits for this tool: a server that pg_ctl is still
    // starting would otherwise come up after the reaper's stop, in a deleted directory.
    auto busy = base_dir_ + "/" + busy_file;
    {
      std::ofstream out{busy, std::ios::trunc};
      out << pid << "\n";
    }
    rc = wait_for(pid);
    ::unlink(busy.c_str());
  } catch (...) {
  }
  if (fd >= 0) ::close(fd);
  return rc;
}

std::string embedded_postgres::failure(const std::string& what) const {
  std::string msg = "embedded_postgres: " + what + " (cluster in " + base_dir_ + ")";
  auto ctl = read_file(ctl_log_);
  if (!ctl.empty()) msg += "\ninitdb/pg_ctl output:\n" + tail_lines(ctl, log_tail_lines);
  auto log = read_file(log_file_);
  if (!log.empty()) msg += "\nlast lines of the server log:\n" + tail_lines(log, log_tail_lines);
  return msg;
}

void embedded_postgres::start_server() {
  for (int attempt = 1;; ++attempt) {
    port_ = pick_free_port();
    // pg_ctl hands -o to /bin/sh, hence the quoting.
    std::string opts;
    for (auto& o : server_options()) opts += (opts.empty() ? "" : " ") + single_quote(o);
    auto log_before = read_file(log_file_).size();
    running_ = true;  // from here on stop() must try to stop a server
    int rc =
        pg_ctl({"start", "-w", "-t", pg_ctl_timeout, "-D", data_dir_, "-l", log_file_, "-o", opts});
    if (rc == 0) break;
    auto log = read_file(log_file_);
    auto fresh = log.size() >= log_before ? log.substr(log_before) : log;
    // Between closing our probe socket and the postmaster's bind another process may take
    // the port; then try another one.
    bool port_taken = fresh.find("Address already in use") != std::string::npos;
    if (!port_taken || attempt == start_attempts)
      throw std::runtime_error(
          failure("PostgreSQL did not start (pg_ctl exit code " + std::to_string(rc) + ")"));
    pg_ctl({"stop", "-D", data_dir_, "-m", "immediate", "-w"});
  }
  dsn_ = "host=" + dsn_value(base_dir_) + " port=" + std::to_string(port_) +
         " user=postgres dbname=postgres";
}

std::string embedded_postgres::tcp_dsn() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

void embedded_postgres::restart() {
  if (!running_ || cleaned_up_)
    throw std::runtime_error("embedded_postgres: restart() after stop()");
  std::string opts;
  for (auto& o : server_options()) opts += (opts.empty() ? "" : " ") + single_quote(o);
  int rc = pg_ctl({"restart", "-m", "fast", "-w", "-t", pg_ctl_timeout, "-D", data_dir_, "-l",
                   log_file_, "-o", opts});
  if (rc != 0)
    throw std::runtime_error(
        failure("PostgreSQL did not restart (pg_ctl exit code " + std::to_string(rc) + ")"));
}

void embedded_postgres::stop() noexcept {
  if (cleaned_up_ || base_dir_.empty()) return;
  if (running_) {
    if (pg_ctl({"stop", "-D", data_dir_, "-m", "fast", "-w", "-t", pg_ctl_timeout}) != 0)
      pg_ctl({"stop", "-D", data_dir_, "-m", "immediate", "-w", "-t", pg_ctl_timeout});
    running_ = false;
  }
  std::error_code ec;
  fs::remove_all(base_dir_, ec);
  cleaned_up_ = true;
  // Tell the reaper there is nothing left to do, and collect it.
  if (reaper_fd_ >= 0) {
    write_ignoring_sigpipe(reaper_fd_, "q\n", 2);
    ::close(reaper_fd_);
    reaper_fd_ = -1;
  } else if (reaper_pid_ > 0) {
    ::kill(reaper_pid_, SIGKILL);  // poll mode: it would only notice within a second
  }
  if (reaper_pid_ > 0) {
    wait_for(reaper_pid_);
    reaper_pid_ = 0;
  }
}

std::string dsn_from_environment() {
  if (const char* dsn = std::getenv("ACTORTX_DSN"); dsn != nullptr && *dsn != '\0') return dsn;
  if (const char* file = std::getenv("ACTORTX_DSN_FILE"); file != nullptr && *file != '\0') {
    std::ifstream in{file};
    std::string line;
    if (in && std::getline(in, line)) {
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.pop_back();
      return line;
    }
  }
  return {};
}

postgres_target dsn_or_embedded(const std::string& dsn) {
  postgres_target t;
  t.dsn = dsn.empty() ? dsn_from_environment() : dsn;
  if (t.dsn.empty()) {
    t.embedded = std::make_unique<embedded_postgres>();
    t.dsn = t.embedded->dsn();
  }
  return t;
}

}  // namespace actortx
