#include "subprocess.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace bench {

process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& extra_env,
                           bool capture_stderr) {
  // Everything the child needs is built before fork(): between fork and exec a threaded
  // program may only call async-signal-safe functions.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry{*e};
    bool overridden = false;
    for (const auto& kv : extra_env)
      if (entry.compare(0, kv.first.size() + 1, kv.first + "=") == 0) overridden = true;
    if (!overridden) env_strings.push_back(std::move(entry));
  }
  for (const auto& [key, value] : extra_env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  int fds[2];
  // CLOEXEC: the pipe must not leak into other children; dup2 clears it on the copies.
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    if (capture_stderr) ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(argp[0], argp.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  process_result out;
  char buf[4096];
  for (;;) {
    auto n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  rusage ru{};
  while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  auto us = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) * 1e6 + tv.tv_usec; };
  out.cpu_us = us(ru.ru_utime) + us(ru.ru_stime);
  out.context_switches = ru.ru_nvcsw + ru.ru_nivcsw;
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (out.exit_code == 127 && out.output.empty()) throw std::runtime_error("cannot run " + argv[0]);
  return out;
}

std::string self_exe() {
  char buf[PATH_MAX];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    throw std::runtime_error(std::string{"readlink /proc/self/exe: "} + std::strerror(errno));
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace bench
