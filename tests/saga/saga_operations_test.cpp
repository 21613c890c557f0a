// The operator's calls on the saga log against a real PostgreSQL: list with filters, show with
// steps and history, retry a FAILED saga, cancel a running one (also from another node), and
// what is refused. Every check is made from the data as well as from the log.
#include <chrono>
#include <future>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "saga/operator_domain.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test::ops;

namespace {

runtime_config op_config(const test::test_database& db, const std::string& node) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = node + "-" + db.name();
  cfg.sagas.recovery_interval = 500ms;
  return cfg;
}

/// Polls the log (through the operator) until saga `id` is in `state`, at most 30 s.
saga_detail wait_for(runtime& rt, const std::string& id, saga_state state) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  auto d = rt.saga(id);
  while (d.state != state && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    d = rt.saga(id);
  }
  return d;
}

/// Waits until step `n` of saga `id` is logged DONE, at most 30 s.
bool wait_for_step(test::test_database& db, const std::string& id, int n) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  const auto sql = "SELECT count(*) FROM actortx.saga_step WHERE saga_id = '" + id +
                   "' AND step_no = " + std::to_string(n) + " AND state = 'DONE'";
  while (db.value<long>(sql) == 0) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

long count(test::test_database& db, const std::string& sql) {
  return db.value<long>(sql);
}

bool has_event(const saga_detail& d, const std::string& action, const std::string& by,
               const std::string& reason) {
  for (const auto& e : d.events)
    if (e.action == action && e.by == by && e.reason == reason && !e.at.empty()) return true;
  return false;
}

}  // namespace

TEST_CASE("the operator lists sagas by state, type and time, newest first", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime rt{op_config(db, "lister"), domain_sagas()};
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(rt.run_saga("order").id);
  auto refund = rt.run_saga("refund");
  REQUIRE(refund.committed());
  auto stuck = rt.run_saga("stuck");
  REQUIRE(stuck.state == saga_state::failed);

  auto all = rt.list_sagas();
  REQUIRE(all.size() == 5);
  CHECK(all.front().id == stuck.id);  // newest first
  CHECK(all.back().id == ids.front());
  for (const auto& i : all) {
    CHECK(i.version == 1);
    CHECK(i.created_at.size() == 24);  // 2026-12-07T13:01:10.123Z
    CHECK(i.created_at.back() == 'Z');
  }
  saga_filter failed;
  failed.states = {saga_state::failed};
  auto f = rt.list_sagas(failed);
  REQUIRE(f.size() == 1);
  CHECK(f[0].id == stuck.id);
  CHECK_FALSE(f[0].message.empty());
  saga_filter orders;
  orders.type = "order";
  orders.states = {saga_state::committed, saga_state::compensated};
  CHECK(rt.list_sagas(orders).size() == 3);
  saga_filter two;
  two.limit = 2;
  CHECK(rt.list_sagas(two).size() == 2);
  // Since: created at or after the refund (its creation time from the log, in ms).
  saga_filter since;
  since.since_unix_ms = db.value<int64_t>(
      "SELECT floor(extract(epoch FROM created_at) * 1000)::bigint FROM actortx.saga "
      "WHERE id = '" +
      refund.id + "'");
  auto recent = rt.list_sagas(since);
  REQUIRE(recent.size() == 2);
  CHECK(recent[1].id == refund.id);
  saga_filter bad;
  bad.limit = 0;
  CHECK_THROWS_WITH(rt.list_sagas(bad), Catch::Contains("limit 0: must be 1..10000"));
}

TEST_CASE(
    "retry of a FAILED saga whose compensation kept failing compensates it once the cause is "
    "fixed, and shows the retry in its history",
    "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime rt{op_config(db, "retrier"), domain_sagas()};
  auto out = rt.run_saga("stuck");
  REQUIRE(out.state == saga_state::failed);
  auto before = rt.saga(out.id);
  REQUIRE(before.found);
  REQUIRE(before.steps.size() == 2);
  CHECK(before.steps[0].state == step_state::compensation_failed);
  CHECK(before.steps[0].compensation_attempts > 0);
  CHECK(before.steps[0].node == rt.node_id());
  CHECK_FALSE(before.steps[0].created_at.empty());
  CHECK_FALSE(before.steps[0].updated_at.empty());
  CHECK_THAT(before.steps[0].error, Catch::Contains("division by zero"));
  CHECK(before.steps[1].state == step_state::failed);
  CHECK(count(db, "SELECT count(*) FROM items WHERE step = 'reserve'") == 1);

  db.exec("UPDATE switches SET broken = false");
  auto r = rt.retry_saga(out.id, "alice", "undo fixed by deploy 42");
  INFO(r.message);
  REQUIRE(r.accepted);
  CHECK(r.before == saga_state::failed);
  CHECK_THAT(r.message, Catch::StartsWith("COMPENSATING"));

  auto after = wait_for(rt, out.id, saga_state::compensated);
  CHECK(after.state == saga_state::compensated);
  CHECK(after.steps[0].state == step_state::compensated);
  CHECK(count(db, "SELECT count(*) FROM items") == 0);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step = 'reserve'") == 1);
  CHECK(has_event(after, "retry", "alice", "undo fixed by deploy 42"));

  // Now COMPENSATED: a second retry is refused and changes nothing.
  auto again = rt.retry_saga(out.id, "alice", "once more");
  CHECK_FALSE(again.accepted);
  CHECK(again.before == saga_state::compensated);
  CHECK_THAT(again.message, Catch::Contains("COMPENSATED") && Catch::Contains("only a FAILED"));
  CHECK(rt.saga(out.id).events.size() == 1);
}

TEST_CASE("retry and cancel are refused for a finished saga, an unknown id and missing reasons",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime rt{op_config(db, "refuser"), domain_sagas()};
  auto out = rt.run_saga("order");
  REQUIRE(out.committed());

  auto retry = rt.retry_saga(out.id, "bob", "why not");
  CHECK_FALSE(retry.accepted);
  CHECK(retry.before == saga_state::committed);
  CHECK_THAT(retry.message, Catch::Contains("is COMMITTED: only a FAILED saga can be retried"));
  auto cancel = rt.cancel_saga(out.id, "bob", "too late");
  CHECK_FALSE(cancel.accepted);
  CHECK(cancel.before == saga_state::committed);
  CHECK_THAT(cancel.message, Catch::Contains("nothing to cancel"));
  CHECK(rt.saga(out.id).events.empty());
  CHECK(rt.saga(out.id).state == saga_state::committed);

  auto unknown = rt.cancel_saga("no-such-saga", "bob", "typo");
  CHECK_FALSE(unknown.accepted);
  CHECK(unknown.message == "no saga no-such-saga in the log");
  CHECK_FALSE(rt.saga("no-such-saga").found);
  auto no_reason = rt.retry_saga(out.id, "bob", " ");
  CHECK_FALSE(no_reason.accepted);
  CHECK_THAT(no_reason.message, Catch::Contains("reason is empty"));
  auto nobody = rt.cancel_saga(out.id, "", "x");
  CHECK_FALSE(nobody.accepted);
  CHECK_THAT(nobody.message, Catch::Contains("by) is empty"));
  CHECK_THROWS_AS(rt.saga("bad id with spaces"), std::invalid_argument);
}

namespace {

/// Holds advisory lock `lock` on a connection of its own until release() (or destruction).
class step_gate {
 public:
  explicit step_gate(const std::string& dsn, int lock = step_lock) : conn_(dsn), lock_(lock) {
    pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_lock(" + std::to_string(lock_) + ")");
  }
  void release() {
    if (held_)
      pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_unlock(" + std::to_string(lock_) + ")");
    held_ = false;
  }
  ~step_gate() {
    try {
      release();
    } catch (...) {
    }
  }

 private:
  pqxx::connection conn_;
  int lock_;
  bool held_ = true;
};

/// Starts a "slow" saga on `rt`, cancels it through `operator_rt` while its second step waits,
/// then lets the step go on: the saga must end COMPENSATED, its "wait" and "finish" steps never
/// applied, its first step undone once.
void cancel_while_running(test::test_database& db, runtime& rt, runtime& operator_rt) {
  step_gate gate{db.dsn()};
  saga_request req;
  req.type = "slow";
  req.id = "slow-" + db.name();
  auto running = std::async(std::launch::async, [&] { return rt.run_saga(req, 60s); });
  REQUIRE(wait_for_step(db, req.id, 0));
  auto r = operator_rt.cancel_saga(req.id, "carol", "customer withdrew");
  INFO(r.message);
  REQUIRE(r.accepted);
  CHECK(r.before == saga_state::executing);
  auto twice = operator_rt.cancel_saga(req.id, "dave", "me too");
  CHECK_FALSE(twice.accepted);
  CHECK_THAT(twice.message, Catch::Contains("carol: customer withdrew"));
  gate.release();

  auto out = running.get();
  INFO(out.message);
  CHECK(out.state == saga_state::compensated);
  auto d = wait_for(operator_rt, req.id, saga_state::compensated);
  CHECK(d.state == saga_state::compensated);
  CHECK(d.cancel_requested.empty());  // acted on
  CHECK(has_event(d, "cancel", "carol", "customer withdrew"));
  CHECK(count(db, "SELECT count(*) FROM items") == 0);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step = 'reserve'") == 1);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step <> 'reserve'") == 0);
}

}  // namespace

TEST_CASE("cancel of a running saga compensates what ran and records who and why", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime rt{op_config(db, "driver"), domain_sagas()};
  cancel_while_running(db, rt, rt);
}

TEST_CASE("cancel from another node of a saga the first node drives compensates it, never commits",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime driver{op_config(db, "driver"), domain_sagas()};
  // An operator's runtime: no saga types, another node id, the same log.
  runtime operator_rt{op_config(db, "operator"), saga_registry{}};
  cancel_while_running(db, driver, operator_rt);
}

TEST_CASE("cancel of a FAILED saga compensates it from its log", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  runtime rt{op_config(db, "canceller"), domain_sagas()};
  auto out = rt.run_saga("stuck");
  REQUIRE(out.state == saga_state::failed);
  db.exec("UPDATE switches SET broken = false");
  auto r = rt.cancel_saga(out.id, "erin", "give up on it");
  INFO(r.message);
  REQUIRE(r.accepted);
  CHECK(r.before == saga_state::failed);
  auto d = wait_for(rt, out.id, saga_state::compensated);
  CHECK(d.state == saga_state::compensated);
  CHECK(count(db, "SELECT count(*) FROM undo_log WHERE step = 'reserve'") == 1);
  CHECK(has_event(d, "cancel", "erin", "give up on it"));
  auto again = rt.cancel_saga(out.id, "erin", "again");
  CHECK_FALSE(again.accepted);
  CHECK_THAT(again.message, Catch::Contains("nothing to cancel"));
}
