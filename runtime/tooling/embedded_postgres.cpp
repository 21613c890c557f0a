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

#include <actortx/tooling/embedded_postgres.hpp>

#include "runtime/tooling/embedded_postgres_process.hpp"

namespace actortx {

namespace {

namespace fs = std::filesystem;
using namespace detail;  // NOLINT: the cluster's own plumbing

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
  // A throwaway cluster: fsync and full-page writes are off because nothing here needs to
  // survive a machine crash, and that makes tests and the stress demo much faster. A commit
  // still writes its WAL (to the OS cache) before it returns: a crash of the server
  // (crash_and_recover, kill -9) loses nothing it reported committed. synchronous_commit=off
  // lost the last ~0.6 s of commits to every such crash.
  return {"-p", std::to_string(port_),
          "-k", base_dir_,
          "-c", "listen_addresses=127.0.0.1",
          "-c", "max_connections=" + std::to_string(opts_.max_connections),
          "-c", "fsync=off",
          "-c", "synchronous_commit=on",
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

int embedded_postgres::pg_ctl_start() noexcept {
  // pg_ctl hands -o to /bin/sh, hence the quoting.
  std::string opts;
  for (auto& o : server_options()) opts += (opts.empty() ? "" : " ") + single_quote(o);
  return pg_ctl(
      {"start", "-w", "-t", pg_ctl_timeout, "-D", data_dir_, "-l", log_file_, "-o", opts});
}

void embedded_postgres::start_server() {
  for (int attempt = 1;; ++attempt) {
    port_ = pick_free_port();
    auto log_before = read_file(log_file_).size();
    running_ = true;  // from here on stop() must try to stop a server
    int rc = pg_ctl_start();
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
  // connect_timeout: whoever uses this DSN (tests, benches, tools) never waits for ever.
  dsn_ = "host=" + dsn_value(base_dir_) + " port=" + std::to_string(port_) +
         " user=postgres dbname=postgres connect_timeout=10";
}

std::string embedded_postgres::tcp_dsn() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) +
         " user=postgres dbname=postgres connect_timeout=10";
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

}  // namespace actortx
