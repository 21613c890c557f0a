// saga_definition::recover_forward(): after a crash, the saga is finished forward (the step
// that was in flight runs again, deduplicated if it had committed) instead of compensated.
// The node is a real process, killed -9 while its saga waits in its last step; its "charge"
// step on database B has committed by then, and the log on A does not know it yet.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "saga/crash_node.hpp"
#include "saga/shipment_saga.hpp"
#include "saga/transfer_saga.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Ledger rows of `kind` on `db`.
long ledger(test::test_database& db, const std::string& kind) {
  return test::count(db, "SELECT count(*) FROM ledger WHERE kind = '" + kind + "'");
}

/// Waits (at most 60 s) until a backend on `db` waits for the shipment lock.
bool ship_is_waiting(test::test_database& db) {
  const auto sql =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = " +
      std::to_string(test::shipment_lock);
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (test::count(db, sql) == 0) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

/// A node runs one shipment saga (recovering forward or not) and is killed -9 while the saga
/// waits in "ship", after "charge" committed on B and before the log on A knows it. Then the
/// node restarts (same node id, same saga type) and takes the saga back from the log.
void crash_in_last_step_and_restart(test::test_database& a, test::test_database& b, bool forward) {
  test::create_transfer_tables(a.dsn(), b.dsn(), 1, 0);
  auto holder = std::make_unique<pqxx::connection>(a.dsn());
  pqxx::nontransaction{*holder}.exec("SELECT pg_advisory_lock(" +
                                     std::to_string(test::shipment_lock) + ")");
  {
    test::node_process node{forward ? "ship-forward" : "ship", a.dsn(), b.dsn(), "ship-node", 1, 0};
    REQUIRE(ship_is_waiting(a));
    // The situation the promise is about: "charge" ran on B, the log has only "reserve".
    REQUIRE(ledger(b, "charge") == 1);
    REQUIRE(test::count(a, "SELECT count(*) FROM actortx.saga_step WHERE step_no = 1") == 0);
    node.kill9();
  }
  // Its backend gets the lock, finds its client gone and rolls back: "ship" never committed.
  holder.reset();  // releases the lock, and is no backend left over when counting them
  test::wait_backends_gone(a, b);
  REQUIRE(ledger(a, "ship") == 0);

  caf_config cfg;
  caf::actor_system sys{cfg};
  auto rt_b = std::make_unique<runtime>(sys, test::node_config(b.dsn(), "ship-node/b"));
  saga_registry reg;
  test::define_shipment(reg, rt_b->supervisor(), forward);
  auto rt_a =
      std::make_unique<runtime>(sys, test::node_config(a.dsn(), "ship-node"), std::move(reg));
  test::wait_finished(a, 30s);
  rt_a.reset();  // it sends work to rt_b
  rt_b.reset();
}

}  // namespace

TEST_CASE(
    "a recover_forward saga whose node dies in its last step is finished forward on restart, "
    "the step committed elsewhere not applied twice, nothing compensated",
    "[saga][pg]") {
  test::test_database a, b;
  crash_in_last_step_and_restart(a, b, true);

  CHECK(test::count(a, "SELECT count(*) FROM actortx.saga WHERE state = 'COMMITTED'") == 1);
  CHECK(test::count(a, "SELECT count(*) FROM actortx.saga_step WHERE state = 'DONE'") == 3);
  CHECK(ledger(a, "reserve") == 1);
  CHECK(ledger(b, "charge") == 1);  // run again under its key: deduplicated, not applied
  CHECK(ledger(a, "ship") == 1);    // the step in flight ran again, once
  CHECK(ledger(a, "unreserve") == 0);
  CHECK(ledger(b, "refund") == 0);
}

TEST_CASE("without recover_forward the same crash compensates what ran, each step once",
          "[saga][pg]") {
  test::test_database a, b;
  crash_in_last_step_and_restart(a, b, false);

  CHECK(test::count(a, "SELECT count(*) FROM actortx.saga WHERE state = 'COMPENSATED'") == 1);
  CHECK(ledger(a, "reserve") == 1);
  CHECK(ledger(b, "charge") == 1);
  CHECK(ledger(a, "ship") == 0);
  CHECK(ledger(a, "unreserve") == 1);
  CHECK(ledger(b, "refund") == 1);
}
