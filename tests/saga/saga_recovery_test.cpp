// Recovery of sagas after real crashes: node processes killed with SIGKILL at random points,
// restarted, and other nodes taking over. Every check is made from the data, not the log alone.
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "saga/crash_node.hpp"
#include "saga/transfer_saga.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using test::node_process;

namespace {

constexpr int accounts = 20;
constexpr int initial_balance = 1000;

}  // namespace

TEST_CASE(
    "crash test: a node killed -9 at random points 20 times leaves every saga "
    "COMMITTED or COMPENSATED, money conserved, no step applied twice",
    "[saga][pg]") {
  test::test_database a, b;
  test::create_transfer_tables(a.dsn(), b.dsn(), accounts, initial_balance);
  const long long total = 2LL * accounts * initial_balance;
  std::mt19937 rng{20261123};
  // Each incarnation is killed at a random point after it started a new saga (a fixed time
  // from its launch could, on a loaded machine or under ASan, fall before it did anything).
  std::uniform_int_distribution<int> busy_ms{0, 650};
  for (unsigned round = 1; round <= 20; ++round) {
    const auto before = sagas_started(a);
    node_process node{"run", a.dsn(), b.dsn(), "crash-node", 4, round};
    wait_until_started(a, before + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(busy_ms(rng)));
    node.kill9();
  }
  // The node comes back once more and finishes what the last incarnation left.
  node_process last{"recover", a.dsn(), b.dsn(), "crash-node", 0, 0};
  CHECK(last.wait() == 0);

  auto sagas = count(a, "SELECT count(*) FROM actortx.saga");
  auto committed = count(a, "SELECT count(*) FROM actortx.saga WHERE state = 'COMMITTED'");
  auto compensated = count(a, "SELECT count(*) FROM actortx.saga WHERE state = 'COMPENSATED'");
  INFO("sagas " << sagas << ", committed " << committed << ", compensated " << compensated);
  CHECK(sagas > 20);
  CHECK(committed > 0);
  CHECK(compensated > 0);  // frozen targets and crashes both compensate
  CHECK(test::check_transfers(a.dsn(), b.dsn(), total) == "");
}

TEST_CASE("two nodes recovering at once recover each orphaned saga exactly once", "[saga][pg]") {
  test::test_database a, b;
  test::create_transfer_tables(a.dsn(), b.dsn(), accounts, initial_balance);
  const long long total = 2LL * accounts * initial_balance;
  {
    // Many sagas in flight, then the node dies for good.
    node_process dead{"run", a.dsn(), b.dsn(), "dead-node", 24, 7};
    wait_until_started(a, 100);
    dead.kill9();
  }
  wait_backends_gone(a, b);
  auto orphans = test::unfinished_sagas(a.dsn());
  INFO("orphaned sagas: " << orphans);
  REQUIRE(orphans > 0);
  // Two nodes start together; each claims with FOR UPDATE SKIP LOCKED once the dead node's
  // leases (1 s) expire. Compensation ledger rows carry the node that ran them.
  // A node: one actor system, a runtime per database on it (as a service would run them).
  struct node {
    caf_config cfg;
    std::unique_ptr<caf::actor_system> sys;
    std::unique_ptr<runtime> rt_b, rt_a;
    ~node() {
      rt_a.reset();  // the saga runtime first: it sends work to rt_b
      rt_b.reset();
    }
  };
  auto start_node = [&](node& n, const std::string& name) {
    n.sys = std::make_unique<caf::actor_system>(n.cfg);
    n.rt_b = std::make_unique<runtime>(*n.sys, test::node_config(b.dsn(), name + "/b"));
    saga_registry reg;
    test::define_transfer(reg, n.rt_b->supervisor(), name);
    n.rt_a = std::make_unique<runtime>(*n.sys, test::node_config(a.dsn(), name), std::move(reg));
  };
  node n1, n2;
  std::thread t1{[&] { start_node(n1, "node-1"); }};
  std::thread t2{[&] { start_node(n2, "node-2"); }};
  t1.join();
  t2.join();
  wait_finished(a, 30s);

  // Every orphan now belongs to one of the two nodes, and finished.
  CHECK(count(a,
              "SELECT count(*) FROM actortx.saga WHERE owner = 'dead-node' AND state NOT IN "
              "('COMMITTED', 'COMPENSATED')") == 0);
  CHECK(count(a, "SELECT count(*) FROM actortx.saga WHERE owner IN ('node-1', 'node-2')") ==
        orphans);
  // Exactly once, from the data: no compensation ran twice (on either node or both).
  CHECK(count(a,
              "SELECT count(*) FROM (SELECT saga_id FROM ledger WHERE kind = 'refund' GROUP "
              "BY saga_id HAVING count(*) > 1) x") == 0);
  CHECK(test::check_transfers(a.dsn(), b.dsn(), total) == "");
}

TEST_CASE(
    "after a restart, sagas of a type the node no longer has are left for other nodes, then "
    "FAILED after the grace naming type and version, while others go on",
    "[saga][pg]") {
  test::test_database a, b;
  test::create_transfer_tables(a.dsn(), b.dsn(), accounts, initial_balance);
  {
    node_process old{"run", a.dsn(), b.dsn(), "node-u", 8, 3};
    wait_until_started(a, 40);
    old.kill9();
  }
  wait_backends_gone(a, b);
  auto orphans = test::unfinished_sagas(a.dsn());
  REQUIRE(orphans > 0);
  // The same node restarts with new code: "transfer" is gone, "noop" is new. Its start-up
  // round releases its "transfer" sagas (a node that has the type would take them at once);
  // none has, so after the grace they are FAILED.
  saga_registry reg;
  reg.define("noop").step("nothing", saga_body{[](tx&, saga_context&) {}});
  auto cfg = test::node_config(a.dsn(), "node-u");
  cfg.sagas.unknown_version_grace = cfg.sagas.lease;
  runtime rt{cfg, std::move(reg)};
  wait_finished(a, 30s);

  CHECK(test::unfinished_sagas(a.dsn()) == 0);
  auto failed = rt.sagas_in_state(saga_state::failed, 1000);
  CHECK(static_cast<long>(failed.size()) == orphans);
  for (const auto& f : failed) {
    CHECK(f.type == "transfer");
    CHECK_THAT(f.message, Catch::Contains("saga type transfer version 1 is not registered") &&
                              Catch::Contains("noop@1"));
  }
  CHECK(count(a,
              "SELECT count(DISTINCT saga_id) FROM actortx.saga_event WHERE action = "
              "'release'") == orphans);
  CHECK(count(a, "SELECT count(*) FROM actortx.saga_event WHERE action = 'fail'") == orphans);
  // The node goes on serving the types it knows.
  CHECK(rt.run_saga("noop").state == saga_state::committed);
}
