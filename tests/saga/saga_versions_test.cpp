// Saga type versions against a real PostgreSQL: a saga runs on the version it started with, a
// node claims only sagas of versions it has, releases its own of versions it lacks, and a saga
// of a version no node has is FAILED after the grace, naming type and version.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

void create_domain(test::test_database& db) {
  db.exec("CREATE TABLE done (seq bigserial PRIMARY KEY, saga_id text NOT NULL, step text)");
}

saga_body record(const char* step) {
  return [step](tx& t, saga_context& ctx) {
    t.exec("INSERT INTO done(saga_id, step) VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}

/// Version 1 of "order" has two steps; version 2 a third.
void define_order(saga_registry& reg, bool v1, bool v2) {
  if (v1)
    reg.define("order", 1).step("reserve", record("v1/reserve")).step("pay", record("v1/pay"));
  if (v2)
    reg.define("order", 2)
        .step("reserve", record("v2/reserve"))
        .step("pay", record("v2/pay"))
        .step("ship", record("v2/ship"));
}

runtime_config config_of(const test::test_database& db, const std::string& node) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = node + "-" + db.name();
  cfg.sagas.recovery_interval = std::chrono::hours(1);  // rounds only when the test asks
  return cfg;
}

/// A saga row as a node that went away left it: EXECUTING, lease expired, nothing ran.
void orphan(test::test_database& db, const std::string& id, uint32_t version,
            const std::string& owner = "gone", const std::string& lease = "now() - interval '1s'") {
  db.exec(
      "INSERT INTO actortx.saga (id, type, state, context, owner, lease_until, version) "
      "VALUES ('" +
      id + "', 'order', 'EXECUTING', '{\"saga_id\": \"" + id + "\"}', '" + owner + "', " + lease +
      ", " + std::to_string(version) + ")");
}

std::string state_of(test::test_database& db, const std::string& id) {
  return db.value<std::string>("SELECT state FROM actortx.saga WHERE id = '" + id + "'");
}

bool eventually_state(test::test_database& db, const std::string& id, const std::string& state) {
  for (int i = 0; i < 500; ++i) {
    if (state_of(db, id) == state) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

/// The saga's lease was given up (expired) and the release is in its history.
bool eventually_release(test::test_database& db, const std::string& id) {
  for (int i = 0; i < 500; ++i) {
    if (db.value<bool>("SELECT lease_until < now() AND EXISTS (SELECT 1 FROM actortx.saga_event "
                       "WHERE saga_id = '" +
                       id +
                       "' AND action = 'release') FROM actortx.saga "
                       "WHERE id = '" +
                       id + "'"))
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a saga runs on the version it asked for, new ones on the newest", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  define_order(reg, true, true);
  runtime rt{config_of(db, "a"), std::move(reg)};

  auto newest = rt.run_saga("order");
  REQUIRE(newest.state == saga_state::committed);
  CHECK(newest.version == 2);
  CHECK(newest.steps.size() == 3);
  saga_request old;
  old.type = "order";
  old.version = 1;
  auto v1 = rt.run_saga(old);
  REQUIRE(v1.state == saga_state::committed);
  CHECK(v1.version == 1);
  CHECK(v1.steps.size() == 2);
  CHECK(db.value<int64_t>("SELECT version FROM actortx.saga WHERE id = '" + v1.id + "'") == 1);
  CHECK(db.value<int64_t>("SELECT count(*) FROM done WHERE saga_id = '" + v1.id +
                          "' AND step LIKE 'v1/%'") == 2);
  old.id.clear();
  old.version = 3;
  auto none = rt.run_saga(old);
  CHECK(none.state == saga_state::failed);
  CHECK(none.code == errc::invalid_argument);
  CHECK_THAT(none.message, Catch::Contains("no version 3") && Catch::Contains("1, 2"));
}

TEST_CASE(
    "recovery claims only sagas of versions the node has; others wait for a node that has "
    "them",
    "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  {
    saga_registry reg;
    define_order(reg, false, true);
    runtime v2_only{config_of(db, "b"), std::move(reg)};
    orphan(db, "s-v1", 1);
    orphan(db, "s-v2", 2);
    // Its start-up round may have run after the inserts and claimed s-v2 already.
    CHECK(v2_only.recover_sagas_now() <= 1);
    // Not forward-recovered: a claimed saga that ran nothing is compensated (nothing to undo).
    REQUIRE(eventually_state(db, "s-v2", "COMPENSATED"));
    CHECK(state_of(db, "s-v1") == "EXECUTING");
    CHECK(db.value<std::string>("SELECT owner FROM actortx.saga WHERE id = 's-v1'") == "gone");
  }
  saga_registry reg;
  define_order(reg, true, false);
  runtime v1_node{config_of(db, "c"), std::move(reg)};
  v1_node.recover_sagas_now();  // its start-up round may have claimed it already
  REQUIRE(eventually_state(db, "s-v1", "COMPENSATED"));
  CHECK(db.value<std::string>("SELECT owner FROM actortx.saga WHERE id = 's-v1'") ==
        v1_node.node_id());
}

TEST_CASE("a restarted node releases its own sagas of a version it no longer has", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  auto cfg = config_of(db, "a");
  {
    saga_registry reg;
    define_order(reg, true, true);
    runtime first{cfg, std::move(reg)};  // creates the log
  }
  orphan(db, "mine-v1", 1, cfg.sagas.node_id, "now() + interval '1 hour'");
  saga_registry reg;
  define_order(reg, false, true);
  runtime restarted{cfg, std::move(reg)};  // its start-up round releases the v1 saga
  REQUIRE(eventually_release(db, "mine-v1"));
  CHECK(state_of(db, "mine-v1") == "EXECUTING");
  CHECK_THAT(db.value<std::string>(
                 "SELECT reason FROM actortx.saga_event WHERE saga_id = 'mine-v1' AND action = "
                 "'release'"),
             Catch::Contains("order version 1"));
}

TEST_CASE("a saga of a version no node has is FAILED after the grace, naming type and version",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  define_order(reg, true, true);
  auto cfg = config_of(db, "a");
  cfg.sagas.lease = 300ms;
  cfg.sagas.unknown_version_grace = 300ms;
  runtime rt{cfg, std::move(reg)};
  orphan(db, "from-the-future", 7, "gone", "now() - interval '1 second'");
  orphan(db, "recent", 7, "gone", "now() + interval '1 hour'");
  rt.recover_sagas_now();
  CHECK(state_of(db, "from-the-future") == "FAILED");
  CHECK(state_of(db, "recent") == "EXECUTING");  // its lease has not even expired
  auto error = db.value<std::string>("SELECT error FROM actortx.saga WHERE id = 'from-the-future'");
  CHECK_THAT(error, Catch::Contains("order version 7") && Catch::Contains("order@1, order@2"));
  CHECK(db.value<std::string>("SELECT failed_in FROM actortx.saga WHERE id = 'from-the-future'") ==
        "EXECUTING");
  CHECK(db.value<std::string>("SELECT action FROM actortx.saga_event WHERE saga_id = "
                              "'from-the-future'") == "fail");
}
