// Sagas against a real PostgreSQL: happy path, compensation order, retried and failing
// compensations, step timeouts, and a saga actor that dies mid-flight.
#include <atomic>
#include <chrono>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "runtime/sagas/saga_log.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Tables of a small user-registration domain, and an audit of compensations in the order
/// they ran (seq).
void create_domain(test::test_database& db) {
  db.exec(
      "CREATE TABLE users (id serial PRIMARY KEY, name text UNIQUE NOT NULL);"
      "CREATE TABLE accounts (id serial PRIMARY KEY, user_id int NOT NULL, balance int NOT NULL "
      "DEFAULT 0);"
      "CREATE TABLE outbox (id serial PRIMARY KEY, user_id int NOT NULL, kind text NOT NULL);"
      "CREATE TABLE undo_log (seq bigserial PRIMARY KEY, saga_id text, step text NOT NULL)");
}

saga_body create_user() {
  return [](tx& t, saga_context& ctx) {
    auto id =
        t.query_value<int64_t>("INSERT INTO users(name) VALUES ($1) RETURNING id", ctx.get("name"));
    ctx.set("user_id", id);
  };
}
saga_body delete_user() {
  return [](tx& t, saga_context& ctx) {
    t.exec("DELETE FROM users WHERE id = $1", ctx.get_int("user_id"));
    t.exec("INSERT INTO undo_log(step) VALUES ('create_user')");
  };
}
saga_body create_account() {
  return [](tx& t, saga_context& ctx) {
    auto id = t.query_value<int64_t>("INSERT INTO accounts(user_id) VALUES ($1) RETURNING id",
                                     ctx.get_int("user_id"));
    ctx.set("account_id", id);
  };
}
saga_body delete_account() {
  return [](tx& t, saga_context& ctx) {
    t.exec("DELETE FROM accounts WHERE id = $1", ctx.get_int("account_id"));
    t.exec("INSERT INTO undo_log(step) VALUES ('create_account')");
  };
}

runtime_config saga_config(const test::test_database& db) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "test-node-" + db.name();
  return cfg;
}

retry_policy fast_compensation(uint32_t retries) {
  retry_policy p;
  p.initial_delay = 5ms;
  p.max_delay = 20ms;
  p.max_retries = retries;
  return p;
}

}  // namespace

TEST_CASE("saga happy path commits every step and carries the context between steps",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("user_registration")
      .step("create_user", create_user(), delete_user())
      .step("create_account", create_account(), delete_account())
      .step("send_welcome", saga_script{[](const saga_context& ctx) {
              tx_script s;
              s.add("INSERT INTO outbox(user_id, kind) VALUES ($1, 'welcome')", ctx.get("user_id"));
              return s;
            }});
  runtime rt{saga_config(db), std::move(reg)};

  auto out = rt.run_saga("user_registration", {{"name", "ada"}});
  INFO(out.message);
  REQUIRE(out.state == saga_state::committed);
  REQUIRE(out.steps.size() == 3);
  for (const auto& s : out.steps) CHECK(s.state == step_state::done);
  auto user_id = out.context.get_int("user_id");
  CHECK(out.context.get_int("account_id") > 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM users WHERE name = 'ada'") == 1);
  CHECK(db.value<int64_t>("SELECT user_id FROM accounts") == user_id);
  CHECK(db.value<int64_t>("SELECT user_id FROM outbox WHERE kind = 'welcome'") == user_id);
  // The log agrees: COMMITTED, three DONE steps, the final context.
  auto row =
      db.exec("SELECT state, context->>'user_id' FROM actortx.saga WHERE id = '" + out.id + "'");
  REQUIRE(row.size() == 1);
  CHECK(row[0][0].as<std::string>() == "COMMITTED");
  CHECK(row[0][1].as<int64_t>() == user_id);
  CHECK(db.value<int64_t>("SELECT count(*) FROM actortx.saga_step WHERE state = 'DONE' AND "
                          "saga_id = '" +
                          out.id + "'") == 3);
  CHECK(db.value<int64_t>("SELECT min(attempts) FROM actortx.saga_step") == 1);
}

TEST_CASE("failure at step 3 compensates step 2 then step 1 and ends COMPENSATED", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("user_registration")
      .step("create_user", create_user(), delete_user())
      .step("create_account", create_account(), delete_account())
      .step("send_welcome", saga_body{[](tx& t, saga_context&) {
              // A constraint violation: fails fast, no retries.
              t.exec("INSERT INTO outbox(user_id, kind) VALUES (NULL, 'welcome')");
            }});
  runtime rt{saga_config(db), std::move(reg)};

  auto out = rt.run_saga("user_registration", {{"name", "bob"}});
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.steps[0].state == step_state::compensated);
  CHECK(out.steps[1].state == step_state::compensated);
  CHECK(out.steps[2].state == step_state::failed);
  CHECK(out.steps[2].attempts == 1);
  CHECK_THAT(out.message, Catch::Contains("send_welcome") && Catch::Contains("null value"));
  // Order from the database: step 2's compensation committed before step 1's.
  auto order = db.exec("SELECT step FROM undo_log ORDER BY seq");
  REQUIRE(order.size() == 2);
  CHECK(order[0][0].as<std::string>() == "create_account");
  CHECK(order[1][0].as<std::string>() == "create_user");
  CHECK(db.value<int64_t>("SELECT count(*) FROM users") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM accounts") == 0);
  CHECK(db.value<std::string>("SELECT state FROM actortx.saga") == "COMPENSATED");
  CHECK(db.value<std::string>("SELECT string_agg(state, ',' ORDER BY step_no) FROM "
                              "actortx.saga_step") == "COMPENSATED,COMPENSATED,FAILED");
}

TEST_CASE("a compensation failing twice then succeeding is retried until it commits",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  auto failures = std::make_shared<std::atomic<int>>(0);
  saga_registry reg;
  reg.define("flaky_undo")
      .step("create_user", create_user(), saga_body{[failures](tx& t, saga_context& ctx) {
              if (failures->fetch_add(1) < 2) throw std::runtime_error("undo service down");
              t.exec("DELETE FROM users WHERE id = $1", ctx.get_int("user_id"));
            }})
      .step("boom", saga_body{[](tx&, saga_context&) { throw std::runtime_error("boom"); }})
      .compensation_retry(fast_compensation(5));
  runtime rt{saga_config(db), std::move(reg)};

  auto out = rt.run_saga("flaky_undo", {{"name", "cy"}});
  INFO(out.message);
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.steps[0].state == step_state::compensated);
  CHECK(out.steps[0].compensation_attempts == 3);
  CHECK(db.value<int64_t>("SELECT count(*) FROM users") == 0);
  CHECK(db.value<int64_t>(
            "SELECT compensation_attempts FROM actortx.saga_step WHERE step_no = 0") == 3);
}

TEST_CASE("a compensation failing for ever leaves the saga FAILED and listed for an operator",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("stuck_undo")
      .step("create_user", create_user(),
            saga_body{[](tx&, saga_context&) { throw std::runtime_error("undo service down"); }})
      .step("boom", saga_body{[](tx&, saga_context&) { throw std::runtime_error("boom"); }})
      .compensation_retry(fast_compensation(2));
  runtime rt{saga_config(db), std::move(reg)};

  auto out = rt.run_saga("stuck_undo", {{"name", "dee"}});
  REQUIRE(out.state == saga_state::failed);
  CHECK(out.code == errc::compensation_failed);
  CHECK(out.steps[0].state == step_state::compensation_failed);
  CHECK(out.steps[0].compensation_attempts == 3);
  CHECK_THAT(out.message, Catch::Contains("create_user") && Catch::Contains("undo service down"));
  // Not dropped: the user row is still there, and the saga is listed as FAILED.
  CHECK(db.value<int64_t>("SELECT count(*) FROM users") == 1);
  auto failed = rt.sagas_in_state(saga_state::failed);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].id == out.id);
  CHECK(failed[0].type == "stuck_undo");
  CHECK_THAT(failed[0].message, Catch::Contains("undo service down"));
  CHECK_FALSE(failed[0].updated_at.empty());
}

TEST_CASE("a step that times out triggers compensation and can never commit later", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  tx_options slow;
  slow.timeout = 300ms;
  slow.retry.max_retries = 0;
  saga_registry reg;
  reg.define("slow_step")
      .step("create_user", create_user(), delete_user())
      .step("create_account", saga_body{[](tx& t, saga_context& ctx) {
              t.exec("INSERT INTO accounts(user_id) VALUES ($1)", ctx.get_int("user_id"));
              t.exec("SELECT pg_sleep(5)");
            }},
            delete_account(), step_options{slow, {}});
  runtime rt{saga_config(db), std::move(reg)};

  auto started = std::chrono::steady_clock::now();
  auto out = rt.run_saga("slow_step", {{"name", "eve"}});
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.steps[1].state == step_state::failed);
  CHECK(out.code == errc::timeout);
  CHECK(took < 4s);  // did not wait for the sleep: the deadline cancelled it on the server
  CHECK(db.value<int64_t>("SELECT count(*) FROM users") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM accounts") == 0);
  // The step's key is fenced: a late attempt of it would find the fence and not run.
  CHECK(db.value<int64_t>("SELECT tx_id FROM actortx.idempotency_keys WHERE key = '" +
                          step_key(out.id, 1, false) + "'") == 0);
}

TEST_CASE("a saga whose actor is killed mid-flight is compensated from the log", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  auto in_step = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  saga_registry reg;
  reg.define("killed")
      .step("create_user", create_user(), delete_user())
      .step("create_account", saga_body{[in_step, release](tx& t, saga_context& ctx) {
              ctx.set("account_id", t.query_value<int64_t>(
                                        "INSERT INTO accounts(user_id) VALUES ($1) RETURNING id",
                                        ctx.get_int("user_id")));
              in_step->store(true);
              while (!release->load()) std::this_thread::sleep_for(5ms);
            }},
            delete_account())
      .step("never", saga_body{[](tx&, saga_context&) {}});
  runtime rt{saga_config(db), std::move(reg)};

  saga_outcome out;
  std::thread caller{[&] { out = rt.run_saga("killed", {{"name", "fay"}}); }};
  while (!in_step->load()) std::this_thread::sleep_for(5ms);
  auto running = rt.running_sagas();
  REQUIRE(running.size() == 1);
  CHECK(running[0].type == "killed");
  CHECK(running[0].step == 1);
  caf::anon_send_exit(caf::actor_cast<caf::actor>(running[0].actor), caf::exit_reason::kill);
  std::this_thread::sleep_for(100ms);
  release->store(true);  // the in-flight step commits after its saga's actor died
  caller.join();

  INFO(out.message);
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.recovered);
  // Whatever the step did, it is undone: nothing left, each compensation ran once.
  CHECK(db.value<int64_t>("SELECT count(*) FROM users") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM accounts") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM undo_log WHERE step = 'create_user'") == 1);
  CHECK(db.value<int64_t>("SELECT count(*) FROM undo_log WHERE step = 'create_account'") <= 1);
  CHECK(db.value<std::string>("SELECT state FROM actortx.saga") == "COMPENSATED");
}

TEST_CASE("an unknown saga type or a bad saga id is refused with a clear error", "[saga][pg]") {
  test::test_database db;
  saga_registry reg;
  reg.define("known").step("noop", saga_body{[](tx&, saga_context&) {}});
  runtime rt{saga_config(db), std::move(reg)};
  auto out = rt.run_saga("nope");
  CHECK(out.state == saga_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK_THAT(out.message, Catch::Contains("unknown saga type 'nope'") && Catch::Contains("known"));
  saga_request req;
  req.type = "known";
  req.id = "bad id; DROP TABLE x";
  auto bad = rt.run_saga(req);
  CHECK(bad.code == errc::invalid_argument);
  CHECK_THAT(bad.message, Catch::Contains("may only contain"));
}
