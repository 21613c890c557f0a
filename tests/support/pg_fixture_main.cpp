// actortx-pg-fixture: the CTest fixture that gives the whole test suite one PostgreSQL.
//
//   actortx-pg-fixture start DIR   starts a throwaway cluster (or takes $ACTORTX_DSN) and
//                                  writes DIR/dsn, which the tests read via ACTORTX_DSN_FILE
//   actortx-pg-fixture stop DIR    stops and deletes the cluster recorded in DIR/state
//
// `start` exits right away while the cluster keeps running; its reaper watches the ctest
// process (our parent) and removes the cluster if `stop` never runs (ctest killed, Ctrl-C).
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <actortx/tooling/embedded_postgres.hpp>

namespace fs = std::filesystem;

namespace {

// Parallel test processes each open a pool of connections.
constexpr int fixture_max_connections = 300;

struct fixture_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void write_file(const fs::path& path, const std::string& text) {
  // Write-then-rename: a test never reads a half-written DSN.
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << text;
    if (!out.flush()) throw fixture_error("cannot write " + tmp.string());
  }
  // The DSN may hold a password (from $ACTORTX_DSN).
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
  fs::rename(tmp, path);
}

std::map<std::string, std::string> read_state(const fs::path& path) {
  std::map<std::string, std::string> state;
  std::ifstream in{path};
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) state[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return state;
}

/// Runs pg_ctl (as the postgres user when we are root, as the server runs) and returns its
/// exit code. Its output goes to our stderr, where ctest shows it on failure.
int run_pg_ctl(const std::string& bin_dir, const std::vector<std::string>& args) {
  std::vector<std::string> all{bin_dir + "/pg_ctl"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  passwd* pw = nullptr;
  if (::geteuid() == 0 && (pw = ::getpwnam("postgres")) == nullptr)
    throw fixture_error("running as root, but there is no postgres OS user to run pg_ctl as");
  pid_t pid = ::fork();
  if (pid < 0) throw fixture_error(std::string{"fork: "} + std::strerror(errno));
  if (pid == 0) {
    if (pw != nullptr) {
      gid_t gid = pw->pw_gid;
      if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(pw->pw_uid) != 0)
        ::_exit(126);
    }
    // pg_ctl fails when it cannot access the working directory (e.g. /root as postgres).
    if (::chdir("/") != 0) ::_exit(126);
    // pg_ctl's output must not end up on stdout, which may be a pipe ctest waits on.
    ::dup2(2, 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Stops what DIR/state describes. Returns normally when there was nothing to stop.
void stop_cluster(const fs::path& dir) {
  auto state_file = dir / "state";
  if (!fs::exists(state_file)) {
    std::cout << "actortx-pg-fixture: nothing to stop in " << dir << "\n";
    return;
  }
  auto state = read_state(state_file);
  const auto& bin_dir = state["bin_dir"];
  const auto& data_dir = state["data_dir"];
  const auto& base_dir = state["base_dir"];
  // Guard the rm -rf below against a damaged state file.
  if (base_dir.find("/actortx-pg-") == std::string::npos || data_dir != base_dir + "/data")
    throw fixture_error("refusing to use " + state_file.string() +
                        ": it does not describe an actortx-pg-* cluster directory");
  std::error_code ec;
  if (fs::exists(data_dir + "/postmaster.pid", ec)) {
    if (run_pg_ctl(bin_dir, {"stop", "-D", data_dir, "-m", "fast", "-w", "-t", "60"}) != 0 &&
        run_pg_ctl(bin_dir, {"stop", "-D", data_dir, "-m", "immediate", "-w", "-t", "30"}) != 0)
      throw fixture_error("pg_ctl could not stop the cluster in " + data_dir +
                          " (see its output above); the reaper will remove it when ctest exits");
  }
  fs::remove_all(base_dir, ec);
  if (ec) throw fixture_error("cannot remove " + base_dir + ": " + ec.message());
  fs::remove(state_file, ec);
  fs::remove(dir / "dsn", ec);
  std::cout << "actortx-pg-fixture: stopped and removed " << base_dir << "\n";
}

void start_cluster(const fs::path& dir) {
  fs::create_directories(dir);
  // A cluster from an interrupted earlier run: its reaper may still be waiting for its ctest.
  if (fs::exists(dir / "state")) stop_cluster(dir);
  if (const char* dsn = std::getenv("ACTORTX_DSN"); dsn != nullptr && *dsn != '\0') {
    write_file(dir / "dsn", std::string{dsn} + "\n");
    std::cout << "actortx-pg-fixture: using the server from ACTORTX_DSN\n";
    return;
  }
  actortx::embedded_postgres::options opts;
  opts.max_connections = fixture_max_connections;
  // We exit right away; the cluster lives as long as ctest (our parent) unless stopped.
  opts.reap_when_pid_exits = ::getppid();
  opts.detach = true;
  actortx::embedded_postgres pg{opts};
  auto bin_dir = opts.bin_dir;
  // pg_ctl writes the postgres binary's full path first in postmaster.opts.
  {
    std::ifstream in{pg.data_dir() + "/postmaster.opts"};
    std::string postgres;
    if (in >> postgres) bin_dir = fs::path{postgres}.parent_path().string();
  }
  if (bin_dir.empty()) throw fixture_error("cannot tell the PostgreSQL bin dir of the cluster");
  write_file(dir / "state", "bin_dir=" + bin_dir + "\ndata_dir=" + pg.data_dir() + "\nbase_dir=" +
                                pg.base_dir() + "\nport=" + std::to_string(pg.port()) + "\n");
  write_file(dir / "dsn", pg.dsn() + "\n");
  std::cout << "actortx-pg-fixture: PostgreSQL running: " << pg.dsn() << "\n";
}

int usage() {
  std::cerr << "usage: actortx-pg-fixture start|stop DIR\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return usage();
  std::string cmd = argv[1];
  fs::path dir = argv[2];
  try {
    if (cmd == "start")
      start_cluster(dir);
    else if (cmd == "stop")
      stop_cluster(dir);
    else
      return usage();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "actortx-pg-fixture " << cmd << " " << dir.string() << " failed: " << e.what()
              << "\n";
    return 1;
  }
}
