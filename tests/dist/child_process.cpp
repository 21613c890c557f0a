#include "dist/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace actortx::test {

namespace {

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::string stderr_path)
    : program_(argv.at(0)) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw sys_error("pipe");
  if (::pipe2(out, O_CLOEXEC) != 0) throw sys_error("pipe");
  int err = -1;
  if (!stderr_path.empty()) {
    err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err < 0) throw sys_error("open " + stderr_path);
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw sys_error("fork");
  if (pid_ == 0) {
    // dup2 clears O_CLOEXEC on the copies, so only these three reach the program.
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    if (err >= 0) ::dup2(err, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  if (err >= 0) ::close(err);
  in_ = in[1];
  out_ = out[0];
  // A child that dies must not kill us with SIGPIPE when we close or write its stdin.
  ::signal(SIGPIPE, SIG_IGN);
}

child_process::~child_process() {
  if (pid_ > 0) kill9();
  close_fd(in_);
  close_fd(out_);
}

std::string child_process::wait_for_line(const std::string& prefix,
                                         std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    for (size_t nl; (nl = buffered_.find('\n')) != std::string::npos;) {
      auto line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw std::runtime_error(program_ + " printed no line starting with '" + prefix +
                               "' within " + std::to_string(limit.count()) + " ms");
    pollfd p{out_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) throw sys_error("poll");
    if (r <= 0) continue;
    char buf[4096];
    auto n = ::read(out_, buf, sizeof buf);
    if (n > 0) {
      buffered_.append(buf, static_cast<size_t>(n));
      continue;
    }
    int code = 0;
    reap(true, &code);
    throw std::runtime_error(program_ + " ended (exit code " + std::to_string(code) +
                             ") before printing a line starting with '" + prefix + "'");
  }
}

bool child_process::reap(bool block, int* code) {
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  pid_ = -1;
  if (code) *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
}

void child_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(true, nullptr);
}

int child_process::stop(std::chrono::milliseconds limit) {
  close_fd(in_);
  int code = -1;
  if (pid_ <= 0) return code;
  // A pidfd becomes readable when the child exits: a wait with a timeout, so that a child
  // which hangs on shutdown cannot hang the caller.
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (fd >= 0) {
    pollfd p{fd, POLLIN, 0};
    int r;
    do {
      r = ::poll(&p, 1, static_cast<int>(limit.count()));
    } while (r < 0 && errno == EINTR);
    ::close(fd);
    if (r <= 0) {
      kill9();
      return -1;
    }
  }
  reap(true, &code);
  return code;
}

}  // namespace actortx::test
