// embedded_postgres::crash_and_recover: the crash fault, kill -9 of the whole server.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <actortx/tooling/embedded_postgres.hpp>

namespace actortx {

namespace {

using clock_type = std::chrono::steady_clock;

/// The parent pid and state letter of `pid` from /proc (false: no such process).
bool proc_stat(pid_t pid, pid_t& ppid, char& state) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(in, line)) return false;
  auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return false;
  std::istringstream rest{line.substr(close + 1)};
  long parent = 0;
  if (!(rest >> state >> parent)) return false;
  ppid = static_cast<pid_t>(parent);
  return true;
}

/// Every process whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    pid_t ppid = 0;
    char state = 0;
    if (proc_stat(static_cast<pid_t>(pid), ppid, state) && ppid == parent)
      out.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(d);
  return out;
}

/// Gone or a zombie (nobody may reap an orphaned postmaster at once; a zombie holds nothing).
bool gone(pid_t pid) {
  pid_t ppid = 0;
  char state = 0;
  return !proc_stat(pid, ppid, state) || state == 'Z' || state == 'X';
}

pid_t postmaster_pid(const std::string& data_dir) {
  std::ifstream in{data_dir + "/postmaster.pid"};
  long pid = 0;
  if (!(in >> pid) || pid <= 0)
    throw std::runtime_error("embedded_postgres: crash: no running postmaster (" + data_dir +
                             "/postmaster.pid)");
  return static_cast<pid_t>(pid);
}

}  // namespace

std::string embedded_postgres::crash_and_recover() {
  if (!running_ || cleaned_up_)
    throw std::runtime_error("embedded_postgres: crash_and_recover() after stop()");
  const auto begin = clock_type::now();
  const pid_t pm = postmaster_pid(data_dir_);
  // Stopped, the postmaster forks no new backend between the listing and the kill.
  if (::kill(pm, SIGSTOP) != 0)
    throw std::runtime_error("embedded_postgres: crash: cannot signal the postmaster (pid " +
                             std::to_string(pm) + "): " + std::strerror(errno));
  auto victims = children_of(pm);
  for (pid_t c : victims) ::kill(c, SIGKILL);
  ::kill(pm, SIGKILL);
  victims.push_back(pm);
  const auto until = clock_type::now() + std::chrono::seconds(10);
  for (;;) {
    bool all_gone = true;
    for (pid_t p : victims) all_gone = all_gone && gone(p);
    if (all_gone) break;
    if (clock_type::now() >= until)
      throw std::runtime_error("embedded_postgres: crash: the server's processes did not die");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto killed = clock_type::now();
  // A zombie's pid still "exists": the new postmaster would take the lock files for a live
  // server's. Nothing of the old server runs any more, so they are stale.
  ::unlink((data_dir_ + "/postmaster.pid").c_str());
  ::unlink((base_dir_ + "/.s.PGSQL." + std::to_string(port_) + ".lock").c_str());
  int rc = pg_ctl_start();
  if (rc != 0)
    throw std::runtime_error(
        failure("PostgreSQL did not come back after a crash (pg_ctl exit code " +
                std::to_string(rc) + ")"));
  auto ms = [](clock_type::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  return "postmaster (pid " + std::to_string(pm) + ") and " + std::to_string(victims.size() - 1) +
         " child process(es) killed with SIGKILL in " + ms(killed - begin) +
         " ms; crash recovery done, accepting connections " + ms(clock_type::now() - killed) +
         " ms later";
}

}  // namespace actortx
