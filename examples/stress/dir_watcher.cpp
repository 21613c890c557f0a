#include "dir_watcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace stress {

namespace {

namespace fs = std::filesystem;

// $1: the directory. "q" on stdin: keep it; EOF (the owner is gone) or anything else: remove.
// Removal is retried for up to 10 s: workers that lose the owner at the same moment still write
// their last files (e.g. *.deadlines) into it, and one `rm -rf` racing them fails "not empty".
constexpr const char* watcher_script = R"sh(trap '' INT TERM HUP QUIT
line=
IFS= read -r line
[ "$line" = q ] && exit 0
tries=0
while [ -e "$1" ] && [ $tries -lt 100 ]; do
  rm -rf -- "$1" 2>/dev/null || sleep 0.1
  tries=$((tries + 1))
done
)sh";

void write_all(int fd, const char* s, size_t n) noexcept {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);  // a watcher gone must not kill us
  while (n > 0) {
    auto w = ::write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    s += w;
    n -= static_cast<size_t>(w);
  }
  timespec zero{0, 0};
  while (::sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

dir_watcher::dir_watcher(std::string dir) : dir_(std::move(dir)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string{"dir_watcher: pipe: "} + std::strerror(errno));
  std::vector<std::string> args{"/bin/sh", "-c", watcher_script, "actortx-stress-cleanup", dir_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string{"dir_watcher: fork: "} + std::strerror(errno));
  }
  if (pid == 0) {  // async-signal-safe calls only until exec
    ::setsid();    // no Ctrl-C at the terminal reaches it
    ::dup2(fds[0], 0);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::execv("/bin/sh", argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  pid_ = pid;
  fd_ = fds[1];
}

dir_watcher::~dir_watcher() {
  finish("");
}

void dir_watcher::keep() noexcept {
  finish("q\n");
}

void dir_watcher::finish(const char* line) noexcept {
  if (fd_ >= 0) {
    write_all(fd_, line, std::strlen(line));
    ::close(fd_);
    fd_ = -1;
  }
  if (pid_ > 0) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }
}

std::string owned_dir_template(const std::string& prefix) {
  return (fs::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-XXXXXX")).string();
}

int sweep_stale_dirs(const std::string& prefix, const std::string& kept_marker,
                     const std::string& secret_suffix) {
  int cleaned = 0;
  std::error_code ec;
  for (fs::directory_iterator it{fs::temp_directory_path(), ec}, end; !ec && it != end;
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* rest = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &rest, 10);
    struct stat st {};
    if (pid <= 0 || *rest != '-' || ::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != ::geteuid() || alive(static_cast<pid_t>(pid)))
      continue;
    std::error_code rm;
    if (!fs::exists(it->path() / kept_marker, rm)) {
      fs::remove_all(it->path(), rm);
    } else {
      for (const auto& f : fs::directory_iterator{it->path(), rm}) {
        const auto file = f.path().filename().string();
        if (file.size() >= secret_suffix.size() &&
            file.compare(file.size() - secret_suffix.size(), secret_suffix.size(), secret_suffix) ==
                0)
          fs::remove(f.path(), rm);
      }
    }
    ++cleaned;
  }
  return cleaned;
}

}  // namespace stress
