// Sagas across two node processes: node A drives "transfer" (dist_bank.hpp), whose second step
// is the procedure "credit" on node B. Sagas are started from the test process through A's
// published interface, as a remote service would start them.
#include <chrono>
#include <memory>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Databases A and B (accounts 1..3 with 100 each), nodes "b" and "a" (peer of b) over TLS,
/// and the test's own runtime, a peer of both.
struct two_nodes {
  test::test_database db_a, db_b;
  test::test_pki pki{{"a", "b", "client"}};
  std::unique_ptr<test::dist_node> b, a;
  std::unique_ptr<runtime> rt;

  two_nodes() {
    test::create_bank(db_a.dsn(), 3, 100);
    test::create_bank(db_b.dsn(), 3, 100);
    b = std::make_unique<test::dist_node>(test::node_spec{db_b.dsn(), "b", &pki});
    a = std::make_unique<test::dist_node>(
        test::node_spec{db_a.dsn(), "a", &pki, {{"b", b->port()}}});
    rt = std::make_unique<runtime>(
        test::client_config(db_a, {{"a", a->port()}, {"b", b->port()}}, &pki));
  }

  static saga_request transfer(int from, int to, int amount) {
    saga_request req;
    req.type = "transfer";
    req.context = saga_context{{"from", std::to_string(from)},
                               {"to", std::to_string(to)},
                               {"amount", std::to_string(amount)}};
    return req;
  }

  /// Runs a saga on node A and waits for its outcome.
  saga_outcome run_on_a(saga_request req) {
    caf::scoped_actor self{rt->system()};
    saga_outcome out;
    self->request(rt->node("a"), 60s, saga_atom::value, std::move(req))
        .receive([&](saga_outcome& o) { out = std::move(o); },
                 [&](caf::error& err) { FAIL("no saga outcome: " << rt->system().render(err)); });
    return out;
  }

  std::string logs() const { return "node a:\n" + a->log() + "\nnode b:\n" + b->log(); }
};

long count(test::test_database& db, const std::string& sql) {
  return db.value<long>(sql);
}

long ledger(test::test_database& db, const std::string& saga, const std::string& kind) {
  return count(db,
               "SELECT count(*) FROM ledger WHERE ref = '" + saga + "' AND kind = '" + kind + "'");
}

/// Waits (at most 20 s) until a backend on `db` waits for an advisory lock: a credit that
/// reached its pg_advisory_xact_lock.
bool credit_is_waiting(test::test_database& db) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    if (count(db,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
              "wait_event_type = 'Lock' AND wait_event = 'advisory'") > 0)
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a saga whose second step is a procedure on another node commits on both databases",
          "[dist][pg]") {
  two_nodes n;
  auto out = n.run_on_a(two_nodes::transfer(1, 2, 30));
  INFO(out.message << '\n' << n.logs());
  REQUIRE(out.state == saga_state::committed);
  REQUIRE(out.steps.size() == 3);
  for (const auto& s : out.steps) CHECK(s.state == step_state::done);
  CHECK(count(n.db_a, "SELECT balance FROM account WHERE id = 1") == 70);
  CHECK(count(n.db_b, "SELECT balance FROM account WHERE id = 2") == 130);
  CHECK(ledger(n.db_a, out.id, "debit") == 1);
  CHECK(ledger(n.db_b, out.id, "credit") == 1);
  CHECK(ledger(n.db_a, out.id, "approve") == 1);
  // The remote step ran under its key on B's database; the log on A has every step DONE.
  CHECK(count(n.db_b, "SELECT count(*) FROM actortx.idempotency_keys WHERE key = 'saga/" + out.id +
                          "/1/do'") == 1);
  CHECK(count(n.db_a, "SELECT count(*) FROM actortx.saga_step WHERE saga_id = '" + out.id +
                          "' AND state = 'DONE'") == 3);
  // Both nodes shut down cleanly while connected to each other (exit code 0, no hang).
  CHECK(n.a->stop() == 0);
  CHECK(n.b->stop() == 0);
}

TEST_CASE("a saga failing after its step on another node compensates that step there",
          "[dist][pg]") {
  two_nodes n;
  auto req = two_nodes::transfer(1, 2, 30);
  req.context.set("limit", 10);  // "approve" refuses 30
  auto out = n.run_on_a(req);
  INFO(out.message << '\n' << n.logs());
  REQUIRE(out.state == saga_state::compensated);
  CHECK_THAT(out.message, Catch::Contains("over the limit"));
  CHECK(out.steps[1].state == step_state::compensated);
  CHECK(ledger(n.db_b, out.id, "credit") == 1);
  CHECK(ledger(n.db_b, out.id, "uncredit") == 1);
  CHECK(ledger(n.db_a, out.id, "refund") == 1);
  CHECK(count(n.db_a, "SELECT balance FROM account WHERE id = 1") == 100);
  CHECK(count(n.db_b, "SELECT balance FROM account WHERE id = 2") == 100);
}

TEST_CASE(
    "node B killed -9 mid-step: the saga is compensated once B is back, nothing applied twice",
    "[dist][pg]") {
  two_nodes n;
  // Hold the lock the credit of account 2 takes first: the step is then running on B (its key
  // inserted, its transaction open) when B dies.
  pqxx::connection holder{n.db_b.dsn()};
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_lock(2)");

  caf::scoped_actor self{n.rt->system()};
  auto pending =
      self->request(n.rt->node("a"), 60s, saga_atom::value, two_nodes::transfer(1, 2, 30));
  REQUIRE(credit_is_waiting(n.db_b));
  n.b->kill9();
  // Its backend is still waiting; once it has the lock it finds its client gone and rolls back.
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_unlock(2)");
  n.b->restart();

  saga_outcome out;
  pending.receive([&](saga_outcome& o) { out = std::move(o); },
                  [&](caf::error& err) { FAIL(n.rt->system().render(err)); });
  INFO(out.message << '\n' << n.logs());
  CHECK(out.state == saga_state::compensated);
  CHECK_THAT(out.message, Catch::Contains("went away"));
  REQUIRE(out.steps.size() == 3);
  CHECK(out.steps[0].state == step_state::compensated);
  CHECK(out.steps[1].state == step_state::failed);
  // From the data: the debit was applied and refunded once, the credit never.
  CHECK(ledger(n.db_a, out.id, "debit") == 1);
  CHECK(ledger(n.db_a, out.id, "refund") == 1);
  CHECK(ledger(n.db_b, out.id, "credit") == 0);
  CHECK(count(n.db_a, "SELECT balance FROM account WHERE id = 1") == 100);
  CHECK(count(n.db_b, "SELECT balance FROM account WHERE id = 2") == 100);
  // The step's key on B is the fence A put there: a late attempt could not commit.
  CHECK(count(n.db_b, "SELECT count(*) FROM actortx.idempotency_keys WHERE key = 'saga/" + out.id +
                          "/1/do' AND label = 'actortx:fence'") == 1);

  // The restarted B serves A's next saga.
  auto next = n.run_on_a(two_nodes::transfer(1, 2, 10));
  CHECK(next.state == saga_state::committed);
  CHECK(ledger(n.db_b, next.id, "credit") == 1);
}
