#include "worker_nodes.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace stress {

namespace {

using clock_type = std::chrono::steady_clock;

/// The last `lines` lines of a file, for error messages.
std::string tail_of(const std::string& path, size_t lines = 5) {
  std::ifstream in{path};
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "\n  " + all[i];
  return out;
}

/// A copy of `fd` numbered 10 or above, close-on-exec: the child's dup2 onto 1..4 can never
/// clobber a descriptor it still needs.
int high_fd(int fd) {
  int out = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  if (out < 0) throw std::runtime_error(std::string{"fcntl: "} + std::strerror(errno));
  return out;
}

std::string self_exe() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot find the harness's own executable");
  return std::string(buf, static_cast<size_t>(n));
}

void reap(pid_t pid, std::chrono::milliseconds patience) {
  const auto until = clock_type::now() + patience;
  for (;;) {
    int status = 0;
    auto r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return;
    if (clock_type::now() >= until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

/// Waits for "ready <port>\n" on `fd`, at most `patience` (EOF first: the worker failed).
std::string read_ready_line(int fd, std::chrono::seconds patience) {
  std::string line;
  const auto until = clock_type::now() + patience;
  while (line.find('\n') == std::string::npos && clock_type::now() < until) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char buf[64];
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  return line;
}

}  // namespace

worker_nodes::worker_nodes(worker_settings s, std::vector<worker_spec> specs)
    : s_(std::move(s)), specs_(std::move(specs)), exe_(self_exe()), processes_(specs_.size()) {
  try {
    for (size_t i = 0; i < specs_.size(); ++i) start(i);
  } catch (...) {
    stop();
    throw;
  }
}

worker_nodes::~worker_nodes() {
  stop();
}

std::string worker_nodes::log_path(size_t i) const {
  return s_.log_dir + "/" + specs_[i].name + ".log";
}

std::string worker_nodes::deadlines_path(size_t i) const {
  return s_.log_dir + "/" + specs_[i].name + ".deadlines";
}

std::map<std::string, std::string> worker_nodes::peers() const {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < specs_.size(); ++i)
    out[specs_[i].name] = "127.0.0.1:" + std::to_string(processes_[i].port);
  return out;
}

std::vector<std::string> worker_nodes::arguments(size_t i) const {
  const auto& w = specs_[i];
  // No secret here: argv is visible to every local user (the DSN goes through fd 5).
  std::vector<std::string> args{exe_, "--worker", w.name, "--node-id", w.node_id};
  args.insert(args.end(), {"--listen-port", std::to_string(processes_[i].port), "--pool",
                           std::to_string(s_.pool), "--timeout", std::to_string(s_.timeout_ms)});
  args.insert(args.end(), {"--isolation", s_.isolation, "--log-level", s_.log_level});
  args.insert(args.end(), {"--ready-fd", "3", "--lifeline-fd", "4", "--dsn-fd", "5"});
  args.insert(args.end(), {"--run", s_.run, "--deadlines-file", deadlines_path(i)});
  if (!s_.tls_dir.empty()) args.insert(args.end(), {"--tls-dir", s_.tls_dir});
  return args;
}

void worker_nodes::start(size_t i) {
  const auto& w = specs_[i];
  auto& p = processes_[i];
  auto args = arguments(i);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int ready[2], life[2], secret[2];
  if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(life, O_CLOEXEC) != 0 ||
      ::pipe2(secret, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  // The DSN (it may hold a password) goes through a pipe the worker reads, never its command
  // line, which every local user can see. It fits the pipe's buffer: written before the fork.
  secret[0] = high_fd(secret[0]);
  secret[1] = high_fd(secret[1]);
  const bool sent = w.dsn.size() < 4096 && ::write(secret[1], w.dsn.data(), w.dsn.size()) ==
                                               static_cast<ssize_t>(w.dsn.size());
  ::close(secret[1]);
  if (!sent) {
    ::close(secret[0]);
    throw std::runtime_error("worker " + w.name + ": cannot hand it the DSN");
  }
  ready[0] = high_fd(ready[0]);
  ready[1] = high_fd(ready[1]);
  life[0] = high_fd(life[0]);
  life[1] = high_fd(life[1]);
  int log = high_fd(::open(log_path(i).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::setpgid(0, 0);  // Ctrl-C at the terminal is the coordinator's to handle
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::dup2(ready[1], 3);
    ::dup2(life[0], 4);
    ::dup2(secret[0], 5);
    // Nothing else of ours: a fault proxy's relay sockets inherited here would keep a "cut"
    // connection open, and another worker's lifeline would keep that one alive.
    ::syscall(SYS_close_range, 6U, ~0U, 0U);
    ::execv(exe_.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(ready[1]);
  ::close(life[0]);
  ::close(secret[0]);
  ::close(log);
  p.pid = pid;
  p.lifeline = life[1];

  const std::string line = read_ready_line(ready[0], std::chrono::seconds(30));
  ::close(ready[0]);
  unsigned port = 0;
  if (std::sscanf(line.c_str(), "ready %u", &port) != 1 || port == 0 || port > 65535) {
    ::kill(pid, SIGKILL);
    reap(pid, std::chrono::seconds(5));
    ::close(p.lifeline);
    p = process{0, -1, p.port};
    throw std::runtime_error("worker " + w.name + " did not come up (log " + log_path(i) +
                             "):" + tail_of(log_path(i)));
  }
  p.port = static_cast<uint16_t>(port);
}

std::string worker_nodes::kill_and_restart(size_t i, std::chrono::milliseconds downtime) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& p = processes_.at(i);
  const pid_t old = p.pid;
  if (old > 0) {
    ::kill(old, SIGKILL);
    int status = 0;
    ::waitpid(old, &status, 0);
    ::close(p.lifeline);
    p.pid = 0;
    p.lifeline = -1;
  }
  std::this_thread::sleep_for(downtime);
  const auto begin = clock_type::now();
  // The port may stay busy for a moment after the kill: try again briefly.
  for (int attempt = 1;; ++attempt) {
    try {
      start(i);
      break;
    } catch (const std::exception&) {
      if (attempt == 5) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - begin);
  std::ostringstream os;
  os << "worker " << specs_[i].name << " (pid " << old << ") killed, restarted as pid " << p.pid
     << " on port " << p.port << " in " << took.count() << " ms";
  return os.str();
}

void worker_nodes::stop() {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& p : processes_)
    if (p.lifeline >= 0) {
      ::close(p.lifeline);  // EOF: the worker shuts its runtime down and exits
      p.lifeline = -1;
    }
  for (auto& p : processes_)
    if (p.pid > 0) {
      reap(p.pid, std::chrono::seconds(10));
      p.pid = 0;
    }
}

}  // namespace stress
