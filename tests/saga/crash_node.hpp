// The crash tests' side of a crash-node process (crash_node_main.cpp): start it, kill it -9,
// and wait until what it left in the databases is final.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "saga/transfer_saga.hpp"
#include "support/pg_test_env.hpp"

namespace actortx::test {

/// A crash-node process: `mode` and its arguments as crash_node_main.cpp takes them.
class node_process {
 public:
  node_process(const std::string& mode, const std::string& dsn_a, const std::string& dsn_b,
               const std::string& node, int clients, unsigned seed) {
    std::vector<std::string> args{
        ACTORTX_CRASH_NODE,  mode, dsn_a, dsn_b, node, std::to_string(clients),
        std::to_string(seed)};
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~node_process() {
    if (pid_ > 0) kill9();
  }
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  void kill9() {
    ::kill(pid_, SIGKILL);
    wait();
  }
  /// Exit status (-1 if killed by a signal).
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

inline long count(test_database& db, const std::string& sql) {
  return db.value<long>(sql);
}

/// Sagas in the log of `db` so far (0 before the node has created its log tables).
inline long sagas_started(test_database& db) {
  try {
    return count(db, "SELECT count(*) FROM actortx.saga");
  } catch (const std::exception&) {
    return 0;
  }
}

/// Waits (at most 60 s) until `n` sagas were started on `db`. A node is killed once it is
/// busy, not after a fixed time: on a loaded CI machine its start-up alone can take longer.
inline void wait_until_started(test_database& db, long n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sagas_started(db) < n && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

/// Waits (at most 30 s) until the backends a killed node had on `a` and `b` are gone. Its last
/// COMMITs may still be on the way when kill -9 returns: counted before they land, a saga row
/// or step appears after the count. A backend finishes what it received before it sees the
/// closed socket and exits, so once none is left the data is final. (Each query here runs on
/// a connection of its own, excluded by pg_backend_pid().)
inline void wait_backends_gone(test_database& a, test_database& b) {
  const auto sql = "SELECT count(*) FROM pg_stat_activity WHERE datname IN ('" + a.name() + "', '" +
                   b.name() + "') AND pid <> pg_backend_pid()";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  long left = 0;
  while ((left = count(a, sql)) > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(left == 0);
}

/// Waits until no saga in the log is unfinished (or the time is up).
inline void wait_finished(test_database& a, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (unfinished_sagas(a.dsn()) > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace actortx::test
