// A saga's correlation id (a W3C traceparent): given or made once, passed as a child to each
// step, compensation and log transaction, kept in the saga row and taken up again by the node
// that recovers the saga.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>
#include <actortx/trace_context.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

runtime_config saga_config(const test::test_database& db) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "trace-node-" + db.name();
  return cfg;
}

/// Every record of the saga's transactions on `rt` is in trace `trace`, each with a parent id
/// of its own; returns how many there are.
size_t check_all_in_trace(runtime& rt, const std::string& saga_id, const std::string& trace) {
  auto records = rt.transactions_of_saga(saga_id);
  std::set<std::string> parents;
  for (const auto& r : records) {
    INFO("tx " << r.id << " [" << r.label << "] " << r.correlation_id);
    CHECK(trace_id_of(r.correlation_id) == trace);
    parents.insert(r.correlation_id);
  }
  CHECK(parents.size() == records.size());
  return records.size();
}

/// A step that fails its first attempt with a serialization failure (the saga log then reads
/// attempt 2 from the application_name, trace id and all).
saga_body flaky_insert(std::shared_ptr<std::atomic<int>> calls) {
  return [calls](tx& t, saga_context& ctx) {
    if (++*calls == 1)
      t.exec("DO $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = '40001'; END $$");
    t.exec("INSERT INTO orders(saga_id) VALUES ($1)", ctx.get(saga_id_key));
  };
}

/// Waits (up to 30 s) until `count_sql` counts 1.
bool wait_for(const std::string& count_sql, test::test_database& db) {
  for (int i = 0; i < 3000; ++i) {
    if (db.value<long>(count_sql) == 1) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a saga's steps, compensations and log writes all run in the saga's trace",
          "[saga][pg]") {
  test::test_database db;
  db.exec("CREATE TABLE orders(saga_id text)");
  auto calls = std::make_shared<std::atomic<int>>(0);
  saga_registry reg;
  retry_policy fast;
  fast.initial_delay = 1ms;
  tx_options step_tx;
  step_tx.retry = fast;
  reg.define("order")
      .step("reserve", flaky_insert(calls), saga_body{[](tx& t, saga_context& ctx) {
              t.exec("DELETE FROM orders WHERE saga_id = $1", ctx.get(saga_id_key));
            }},
            step_options{step_tx, {}})
      .step("charge", saga_body{[](tx&, saga_context& ctx) {
              if (ctx.has("fail")) throw rollback{"card declined"};
            }});
  runtime rt{saga_config(db), std::move(reg)};

  SECTION("given by the caller, also when the saga compensates") {
    saga_request req;
    req.type = "order";
    req.context.set("fail", "yes");
    req.options.correlation_id = new_traceparent();
    const auto trace = trace_id_of(req.options.correlation_id);
    auto out = rt.run_saga(req);
    CHECK(out.state == saga_state::compensated);
    CHECK(out.correlation_id == req.options.correlation_id);
    // reserve (2 attempts), charge, reserve/undo, and the log's own writes.
    CHECK(check_all_in_trace(rt, out.id, trace) >= 3);
    CHECK(db.value<std::string>("SELECT trace_id FROM actortx.saga WHERE id = '" + out.id + "'") ==
          trace);
    CHECK(db.value<int>("SELECT attempts FROM actortx.saga_step WHERE saga_id = '" + out.id +
                        "' AND step_no = 0") == 2);
  }
  SECTION("made by the runtime when the caller gives none") {
    saga_request req;
    req.type = "order";
    auto out = rt.run_saga(req);
    INFO(out.message);
    REQUIRE(out.committed());
    REQUIRE(valid_traceparent(out.correlation_id));
    const auto trace = trace_id_of(out.correlation_id);
    CHECK(check_all_in_trace(rt, out.id, trace) >= 2);
    CHECK(db.value<std::string>("SELECT trace_id FROM actortx.saga WHERE id = '" + out.id + "'") ==
          trace);
  }
  SECTION("refused when malformed, naming the option") {
    saga_request req;
    req.type = "order";
    req.options.correlation_id = "00-" + std::string(32, '0') + "-00f067aa0ba902b7-01";
    auto out = rt.run_saga(req);
    CHECK(out.state == saga_state::failed);
    CHECK(out.code == errc::invalid_argument);
    CHECK_THAT(out.message, Catch::Contains("saga_options::correlation_id") &&
                                Catch::Contains("must not be all zeros"));
    CHECK(db.value<long>("SELECT count(*) FROM orders") == 0);
  }
}

TEST_CASE("a saga recovered from the log goes on in the trace it started in", "[saga][pg]") {
  test::test_database db;
  db.exec("CREATE TABLE orders(saga_id text)");
  // The second step waits for a lock the test holds until the first node is gone.
  pqxx::connection holder{db.dsn()};
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_lock(4242)");
  auto registry = [] {
    saga_registry reg;
    reg.define("order")
        .step("reserve", saga_body{[](tx& t, saga_context& ctx) {
                t.exec("INSERT INTO orders(saga_id) VALUES ($1)", ctx.get(saga_id_key));
              }},
              saga_body{[](tx& t, saga_context& ctx) {
                t.exec("DELETE FROM orders WHERE saga_id = $1", ctx.get(saga_id_key));
              }})
        .step("charge", saga_body{[](tx& t, saga_context&) {
                t.exec("SELECT pg_advisory_xact_lock(4242)");
              }});
    return reg;
  };
  saga_request req;
  req.type = "order";
  req.id = "recovered-" + db.name();
  req.options.correlation_id = new_traceparent();
  const auto trace = trace_id_of(req.options.correlation_id);
  auto cfg = saga_config(db);
  cfg.transactions.shutdown_grace = 100ms;

  auto first = std::make_unique<runtime>(cfg, registry());
  auto running = std::async(std::launch::async, [&] { return first->run_saga(req, 30s); });
  // The first node stops once its first step is logged and the second waits for the lock:
  // the saga stays in the log, EXECUTING, with the trace id in its row.
  REQUIRE(
      wait_for("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
               "application_name LIKE 'actortx/%/1/" +
                   trace + "'",
               db));
  first.reset();
  CHECK(running.get().code == errc::shutting_down);
  pqxx::nontransaction{holder}.exec("SELECT pg_advisory_unlock(4242)");
  const auto row = "SELECT count(*) FROM actortx.saga WHERE id = '" + req.id +
                   "' AND trace_id = '" + trace + "' AND state = ";
  REQUIRE(db.value<long>(row + "'EXECUTING'") == 1);

  // The same node again: it claims its saga at once and compensates the first step.
  runtime second{cfg, registry()};
  REQUIRE(wait_for(row + "'COMPENSATED'", db));
  CHECK(db.value<long>("SELECT count(*) FROM orders") == 0);
  // Its fence and compensation and the final log write are in the saga's trace; only the
  // first read of the claimed saga ran before its trace was known.
  auto records = second.transactions_of_saga(req.id);
  size_t in_trace = 0;
  for (const auto& r : records) {
    INFO("tx " << r.id << " [" << r.label << "] " << r.correlation_id);
    CHECK(valid_traceparent(r.correlation_id));
    in_trace += trace_id_of(r.correlation_id) == trace ? 1 : 0;
  }
  CHECK(in_trace >= 2);
  CHECK(in_trace + 1 == records.size());
}
