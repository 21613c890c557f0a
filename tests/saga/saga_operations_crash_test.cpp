// kill -9 of the node that acts on an operator's command: a retry (the node compensating the
// retried saga dies mid-compensation) and a cancel (the node driving the cancelled saga dies
// with a step in flight). Another node finishes each; every effect and compensation is applied
// once, checked from the data.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "saga/operator_domain.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test::ops;

namespace {

/// An actortx-saga-operator-node process, killed -9 at the latest when destroyed.
class operator_node {
 public:
  explicit operator_node(std::vector<std::string> args) {
    args.insert(args.begin(), ACTORTX_OPERATOR_NODE);
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
  ~operator_node() { kill9(); }
  operator_node(const operator_node&) = delete;
  operator_node& operator=(const operator_node&) = delete;

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

/// Holds an advisory lock on a connection of its own until release() (or destruction).
class gate {
 public:
  gate(const std::string& dsn, int lock) : conn_(dsn), lock_(lock) {
    pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_lock(" + std::to_string(lock_) + ")");
  }
  ~gate() {
    try {
      release();
    } catch (...) {
    }
  }
  gate(const gate&) = delete;
  gate& operator=(const gate&) = delete;
  void release() {
    if (held_)
      pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_unlock(" + std::to_string(lock_) + ")");
    held_ = false;
  }

 private:
  pqxx::connection conn_;
  int lock_;
  bool held_ = true;
};

/// `sql` (a boolean query) is true; false also while its tables are not there yet.
bool holds(test::test_database& db, const std::string& sql) {
  try {
    return db.value<bool>(sql);
  } catch (const pqxx::undefined_table&) {
    return false;  // the node has not created the saga log yet
  }
}

/// Polls `sql` until it holds, at most `limit`.
bool eventually(test::test_database& db, const std::string& sql, std::chrono::seconds limit = 30s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!holds(db, sql)) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

runtime_config node(const test::test_database& db, const std::string& name) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = name;
  cfg.sagas.lease = 1s;
  cfg.sagas.recovery_interval = 200ms;
  return cfg;
}

std::string state_is(const std::string& id, const char* state) {
  return "SELECT state = '" + std::string{state} + "' FROM actortx.saga WHERE id = '" + id + "'";
}

long count(test::test_database& db, const std::string& sql) {
  return db.value<long>(sql);
}

}  // namespace

TEST_CASE(
    "kill -9 of the node compensating a retried saga: another node finishes, each "
    "compensation applied once",
    "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  std::string id;
  {
    runtime first{node(db, "first"), domain_sagas()};
    auto out = first.run_saga("stuck");
    REQUIRE(out.state == saga_state::failed);
    id = out.id;
  }
  db.exec("UPDATE switches SET broken = false");
  gate undo{db.dsn(), undo_lock};  // the compensation waits here, in flight, when killed
  operator_node doomed{{"serve", db.dsn(), "doomed"}};
  runtime op{node(db, "operator"), saga_registry{}};
  auto r = op.retry_saga(id, "ops", "fixed; retry");
  INFO(r.message);
  REQUIRE(r.accepted);
  // The doomed node claimed it and its compensation waits for the lock: kill it there.
  REQUIRE(eventually(db, "SELECT owner = 'doomed' FROM actortx.saga WHERE id = '" + id + "'"));
  REQUIRE(eventually(db,
                     "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                     "granted"));
  doomed.kill9();
  undo.release();

  runtime survivor{node(db, "survivor"), domain_sagas()};
  REQUIRE(eventually(db, state_is(id, "COMPENSATED"), 60s));
  CHECK(count(db, "SELECT count(*) FROM items") == 0);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step = 'reserve'") == 1);
  CHECK(count(db, "SELECT count(*) FROM actortx.saga_event WHERE action = 'retry'") == 1);
}

TEST_CASE(
    "kill -9 of the node driving a cancelled saga: another node compensates it, the step in "
    "flight never commits",
    "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  const std::string id = "cancel-crash-" + db.name();
  gate step{db.dsn(), step_lock};  // the saga's second step waits here
  operator_node doomed{{"drive-slow", db.dsn(), "doomed", id}};
  REQUIRE(eventually(db,
                     "SELECT count(*) > 0 FROM actortx.saga_step WHERE saga_id = '" + id +
                         "' AND step_no = 0 AND state = 'DONE'",
                     60s));
  runtime op{node(db, "operator"), saga_registry{}};
  auto r = op.cancel_saga(id, "ops", "customer withdrew");
  INFO(r.message);
  REQUIRE(r.accepted);
  doomed.kill9();
  step.release();  // the dead node's step transaction may now go on: it must not commit

  runtime survivor{node(db, "survivor"), domain_sagas()};
  REQUIRE(eventually(db, state_is(id, "COMPENSATED"), 60s));
  CHECK(count(db, "SELECT count(*) FROM items") == 0);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step = 'reserve'") == 1);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step <> 'reserve'") == 0);
  CHECK(count(db, "SELECT count(*) FROM actortx.saga_step WHERE saga_id = '" + id +
                      "' AND step_no > 0 AND state = 'DONE'") == 0);
  CHECK(count(db, "SELECT count(*) FROM actortx.saga_event WHERE action = 'cancel'") == 1);
}
