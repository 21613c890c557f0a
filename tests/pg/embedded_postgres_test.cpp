// The throwaway cluster: usable, gone after use, gone even when its owner is SIGKILLed.
// These tests start their own clusters on purpose (about a second each).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/tooling/embedded_postgres.hpp>

using namespace actortx;
namespace fs = std::filesystem;

namespace {

bool accepts_tcp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

/// A zombie counts as gone: the postmaster's parent (pg_ctl) exited long ago, and whoever
/// adopted it may reap it late.
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == EPERM;
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ||
         line[close_paren + 2] != 'Z';
}

std::string read_all(int fd) {
  std::string out;
  char buf[512];
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

/// Restores an environment variable when the test ends.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
      had_ = true;
    }
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~scoped_env() {
    if (had_)
      ::setenv(name_.c_str(), old_.c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST_CASE("embedded cluster accepts connections and is deleted after destruction", "[pg]") {
  std::string base;
  uint16_t port = 0;
  {
    embedded_postgres pg;
    base = pg.base_dir();
    port = pg.port();
    REQUIRE(fs::is_directory(base));
    CHECK(pg.dsn().find("host=" + base) != std::string::npos);
    {
      pqxx::connection unix_conn{pg.dsn()};
      pqxx::nontransaction w{unix_conn};
      CHECK(w.exec1("SELECT 1")[0].as<int>() == 1);
    }
    {
      pqxx::connection tcp_conn{pg.tcp_dsn()};
      pqxx::nontransaction w{tcp_conn};
      CHECK(w.exec1("SELECT 1")[0].as<int>() == 1);
    }
  }
  CHECK_FALSE(fs::exists(base));
  CHECK_FALSE(accepts_tcp(port));
}

TEST_CASE("embedded cluster is reaped when its owner is killed with SIGKILL", "[pg]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The owner: starts a cluster, reports where, and dies without running any destructor.
    ::close(fds[0]);
    std::string msg;
    try {
      embedded_postgres pg;
      std::ifstream pid_file{pg.data_dir() + "/postmaster.pid"};
      std::string postmaster_pid;
      std::getline(pid_file, postmaster_pid);
      msg = pg.base_dir() + "\n" + postmaster_pid + "\n";
      [[maybe_unused]] auto n = ::write(fds[1], msg.data(), msg.size());
      ::raise(SIGKILL);
    } catch (const std::exception& e) {
      msg = std::string{"error\n"} + e.what() + "\n";
      [[maybe_unused]] auto n = ::write(fds[1], msg.data(), msg.size());
    }
    ::_exit(1);
  }
  ::close(fds[1]);
  auto report = read_all(fds[0]);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("child reported: " << report);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  std::istringstream lines{report};
  std::string base, pid_text;
  std::getline(lines, base);
  std::getline(lines, pid_text);
  REQUIRE(base.find("actortx-pg-") != std::string::npos);
  pid_t postmaster = static_cast<pid_t>(std::stol(pid_text));
  REQUIRE(postmaster > 0);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{15};
  while ((fs::exists(base) || process_alive(postmaster)) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  CHECK_FALSE(fs::exists(base));
  CHECK_FALSE(process_alive(postmaster));
}

TEST_CASE("restart keeps the data", "[pg]") {
  embedded_postgres pg;
  {
    pqxx::connection c{pg.dsn()};
    pqxx::work w{c};
    w.exec0("CREATE TABLE kept (v text)");
    w.exec0("INSERT INTO kept VALUES ('still here')");
    w.commit();
  }
  auto port = pg.port();
  pg.restart();
  CHECK(pg.port() == port);
  {
    pqxx::connection c{pg.dsn()};
    pqxx::nontransaction w{c};
    CHECK(w.exec1("SELECT v FROM kept")[0].as<std::string>() == "still here");
  }
  pg.stop();
  pg.stop();  // idempotent
  CHECK_FALSE(fs::exists(pg.base_dir()));
}

TEST_CASE("dsn_from_environment prefers ACTORTX_DSN over the DSN file", "[pg]") {
  auto file = fs::temp_directory_path() / ("actortx-dsn-test-" + std::to_string(::getpid()));
  std::ofstream{file} << "host=/from/file port=1\nsecond line\n";
  scoped_env file_var{"ACTORTX_DSN_FILE", file.c_str()};
  {
    scoped_env dsn_var{"ACTORTX_DSN", "host=/from/env"};
    CHECK(dsn_from_environment() == "host=/from/env");
  }
  {
    scoped_env dsn_var{"ACTORTX_DSN", ""};
    CHECK(dsn_from_environment() == "host=/from/file port=1");
  }
  scoped_env dsn_var{"ACTORTX_DSN", nullptr};
  fs::remove(file);
  {
    scoped_env no_file{"ACTORTX_DSN_FILE", nullptr};
    CHECK(dsn_from_environment().empty());  // neither set: no DSN, an embedded one may start
  }
}

namespace {

/// The message dsn_from_environment throws with, "" when it does not.
std::string dsn_file_error() {
  try {
    dsn_from_environment();
    return {};
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("a missing, empty or unreadable ACTORTX_DSN_FILE is an error naming the file", "[pg]") {
  scoped_env dsn_var{"ACTORTX_DSN", nullptr};
  auto file = fs::temp_directory_path() / ("actortx-dsn-bad-" + std::to_string(::getpid()));
  scoped_env file_var{"ACTORTX_DSN_FILE", file.c_str()};
  fs::remove(file);
  auto missing = dsn_file_error();
  CHECK(missing.find("ACTORTX_DSN_FILE=" + file.string()) != std::string::npos);
  CHECK(missing.find("No such file") != std::string::npos);

  std::ofstream{file} << "  \nhost=/second/line\n";
  auto empty = dsn_file_error();
  CHECK(empty.find(file.string()) != std::string::npos);
  CHECK(empty.find("empty") != std::string::npos);

  fs::remove(file);
  fs::create_directory(file);
  CHECK(dsn_file_error().find("is a directory") != std::string::npos);
  fs::remove(file);

  if (::geteuid() != 0) {  // root reads any file
    std::ofstream{file} << "host=/x\n";
    fs::permissions(file, fs::perms::none);
    CHECK(dsn_file_error().find("Permission denied") != std::string::npos);
    fs::remove(file);
  }
}

namespace {

/// The postmaster's pid and its children's, from /proc.
std::vector<pid_t> server_processes(const std::string& data_dir) {
  std::ifstream pid_file{data_dir + "/postmaster.pid"};
  long pm = 0;
  pid_file >> pm;
  std::vector<pid_t> out{static_cast<pid_t>(pm)};
  for (const auto& entry : fs::directory_iterator{"/proc"}) {
    std::ifstream stat{entry.path() / "stat"};
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    std::istringstream rest{line.substr(close + 1)};
    char state = 0;
    long ppid = 0;
    if ((rest >> state >> ppid) && ppid == pm) out.push_back(std::stoi(entry.path().filename()));
  }
  return out;
}

}  // namespace

TEST_CASE("crash_and_recover kills the server with SIGKILL and it recovers its data", "[pg]") {
  embedded_postgres pg;
  {
    pqxx::connection c{pg.dsn()};
    pqxx::work w{c};
    w.exec0("CREATE TABLE kept (v text)");
    w.exec0("INSERT INTO kept VALUES ('committed before the crash')");
    w.commit();
  }
  pqxx::connection open_backend{pg.tcp_dsn()};  // a backend that must die with the server
  auto before = server_processes(pg.data_dir());
  REQUIRE(before.size() >= 3);  // postmaster, at least two backends and the auxiliaries
  const auto port = pg.port();

  auto what = pg.crash_and_recover();
  INFO(what);
  CHECK(what.find("SIGKILL") != std::string::npos);
  for (pid_t p : before) CHECK_FALSE(process_alive(p));
  CHECK(pg.port() == port);
  {
    pqxx::connection c{pg.dsn()};  // reconnects at once: crash_and_recover waited for it
    pqxx::nontransaction w{c};
    CHECK(w.exec1("SELECT v FROM kept")[0].as<std::string>() == "committed before the crash");
  }
  auto log = std::ifstream{pg.base_dir() + "/postgres.log"};
  std::string text{std::istreambuf_iterator<char>{log}, {}};
  CHECK(text.find("not properly shut down; automatic recovery in progress") != std::string::npos);
  pg.stop();
  CHECK_FALSE(fs::exists(pg.base_dir()));
}
