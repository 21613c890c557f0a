// Sagas bounded in time and number, against a real PostgreSQL: the saga's deadline (also after
// recovery), a caller that stops waiting, a cancel written to the log by someone else, and the
// running-saga limit with its queue.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Steps that record what they did, and one that waits for an advisory lock the test holds
/// (a step that "takes long", released when the test says so).
void create_domain(test::test_database& db) {
  db.exec(
      "CREATE TABLE done (seq bigserial PRIMARY KEY, saga_id text NOT NULL, step text NOT NULL);"
      "CREATE TABLE undone (seq bigserial PRIMARY KEY, saga_id text NOT NULL, step text NOT "
      "NULL)");
}

saga_body record(const char* step) {
  return [step](tx& t, saga_context& ctx) {
    t.exec("INSERT INTO done(saga_id, step) VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}
saga_body undo(const char* step) {
  return [step](tx& t, saga_context& ctx) {
    t.exec("INSERT INTO undone(saga_id, step) VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}
/// Waits for advisory lock `key` (held by the test), then records itself.
saga_body gated(const char* step, int64_t key) {
  return [step, key](tx& t, saga_context& ctx) {
    t.exec("SELECT pg_advisory_xact_lock($1)", key);
    t.exec("INSERT INTO done(saga_id, step) VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}

runtime_config config_of(const test::test_database& db, const std::string& node) {
  auto cfg = test::test_config(db, 6);
  cfg.sagas.node_id = node + "-" + db.name();
  return cfg;
}

/// Holds an advisory lock on a connection of its own until release() or destruction.
class gate {
 public:
  gate(const test::test_database& db, int64_t key) : conn_(db.dsn()), key_(key) {
    pqxx::nontransaction w{conn_};
    w.exec("SELECT pg_advisory_lock(" + std::to_string(key_) + ")");
  }
  void release() {
    if (released_) return;
    released_ = true;
    pqxx::nontransaction w{conn_};
    w.exec("SELECT pg_advisory_unlock(" + std::to_string(key_) + ")");
  }
  ~gate() {
    try {
      release();
    } catch (...) {
    }
  }

 private:
  pqxx::connection conn_;
  int64_t key_;
  bool released_ = false;
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::string sql_lit(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

TEST_CASE("a saga past its deadline cancels the running step and compensates what ran",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("slow")
      .step("first", record("first"), undo("first"))
      .step("second", gated("second", 7101), undo("second"));
  runtime rt{config_of(db, "a"), std::move(reg)};
  gate g{db, 7101};

  saga_request req;
  req.type = "slow";
  req.options.timeout = 700ms;
  auto t0 = std::chrono::steady_clock::now();
  auto out = rt.run_saga(req, 30s);
  auto took = std::chrono::steady_clock::now() - t0;
  INFO(out.message);
  CHECK_FALSE(out.caller_gave_up);
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.code == errc::timeout);
  CHECK_THAT(out.message, Catch::Contains("deadline") && Catch::Contains("second"));
  // Bounded by the saga's deadline, not by the step's own 30 s timeout.
  CHECK(took < 10s);
  CHECK(out.steps[0].state == step_state::compensated);
  CHECK(out.steps[1].state == step_state::failed);
  g.release();
  // The waiting step was cancelled on the server: it never commits, even once the lock is free.
  std::this_thread::sleep_for(300ms);
  const auto id = sql_lit(out.id);
  CHECK(db.value<int64_t>("SELECT count(*) FROM done WHERE step = 'second'") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM undone WHERE saga_id = " + id) == 1);
  CHECK(db.value<std::string>("SELECT state FROM actortx.saga WHERE id = " + id) == "COMPENSATED");
  CHECK(db.value<bool>("SELECT deadline IS NOT NULL FROM actortx.saga WHERE id = " + id));
  CHECK(db.value<std::string>("SELECT action || ' by ' || by FROM actortx.saga_event WHERE "
                              "saga_id = " +
                              id) == "deadline by node:" + rt.node_id());
}

TEST_CASE("a saga's deadline is kept in the log and honoured by the node that recovers it",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  auto define = [](saga_registry& reg) {
    reg.define("slow")
        .step("first", record("first"), undo("first"))
        .step("second", gated("second", 7102), undo("second"));
  };
  std::string id;
  {
    gate g{db, 7102};
    saga_registry reg;
    define(reg);
    auto cfg = config_of(db, "a");
    cfg.sagas.lease = 300ms;
    runtime a{cfg, std::move(reg)};
    saga_request req;
    req.type = "slow";
    req.options.timeout = 1500ms;
    auto out = a.run_saga(req, 400ms);  // the caller stops waiting; the saga goes on
    CHECK(out.caller_gave_up);
    CHECK(out.state == saga_state::started);
    CHECK(out.code == errc::timeout);
    CHECK_THAT(out.message, Catch::Contains(out.id));
    id = out.id;
    REQUIRE(eventually(
        [&] { return db.value<int64_t>("SELECT count(*) FROM done WHERE step = 'first'") == 1; }));
  }  // node a stops: the saga stays in the log, EXECUTING, its second step never committed
  CHECK(db.value<std::string>("SELECT state FROM actortx.saga WHERE id = " + sql_lit(id)) ==
        "EXECUTING");
  saga_registry reg;
  define(reg);
  auto cfg = config_of(db, "b");
  cfg.sagas.recovery_interval = 200ms;
  runtime b{cfg, std::move(reg)};
  // b claims it once a's lease expired; by then the deadline has passed: it compensates.
  REQUIRE(eventually([&] {
    return db.value<std::string>("SELECT state FROM actortx.saga WHERE id = " + sql_lit(id)) ==
           "COMPENSATED";
  }));
  CHECK_THAT(db.value<std::string>("SELECT error FROM actortx.saga WHERE id = " + sql_lit(id)),
             Catch::Contains("deadline"));
  CHECK(db.value<int64_t>("SELECT count(*) FROM undone WHERE step = 'first'") == 1);
  CHECK(db.value<int64_t>("SELECT count(*) FROM done WHERE step = 'second'") == 0);
}

TEST_CASE("a cancel written to the log stops the driving node: its step cannot commit",
          "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("slow")
      .step("first", record("first"), undo("first"))
      .step("second", gated("second", 7103), undo("second"))
      .step("third", record("third"), undo("third"));
  auto cfg = config_of(db, "a");
  cfg.sagas.lease = 300ms;  // renewed every 100 ms: the renewal hears of the cancel
  runtime rt{cfg, std::move(reg)};
  gate g{db, 7103};
  auto pending = std::async(std::launch::async, [&] { return rt.run_saga("slow", {}, 30s); });
  REQUIRE(eventually([&] {
    return db.value<int64_t>("SELECT count(*) FROM actortx.saga WHERE state = 'EXECUTING'") == 1;
  }));
  // As an operator's tool on another machine would: only the log is written.
  db.exec("UPDATE actortx.saga SET cancel_requested = 'ops: wrong customer'");
  std::this_thread::sleep_for(400ms);  // the driving node hears of it at its lease renewal
  g.release();                         // the step goes on, and cannot commit
  auto out = pending.get();
  INFO(out.message);
  REQUIRE(out.state == saga_state::compensated);
  CHECK(out.code == errc::rolled_back);
  CHECK_THAT(out.message, Catch::Contains("ops: wrong customer"));
  CHECK(db.value<int64_t>("SELECT count(*) FROM done WHERE step IN ('second', 'third')") == 0);
  CHECK(db.value<int64_t>("SELECT count(*) FROM undone WHERE step = 'first'") == 1);
  CHECK(db.value<std::string>("SELECT cancel_requested FROM actortx.saga").empty());
}

TEST_CASE("beyond the running limit sagas wait in order and all finish", "[saga][pg]") {
  test::test_database db;
  create_domain(db);
  saga_registry reg;
  reg.define("gated").step("only", gated("only", 7104), undo("only"));
  auto cfg = config_of(db, "a");
  cfg.sagas.max_running = 2;
  runtime rt{cfg, std::move(reg)};
  gate g{db, 7104};
  constexpr int n = 12;
  std::vector<std::future<saga_outcome>> outs;
  for (int i = 0; i < n; ++i)
    outs.push_back(std::async(std::launch::async, [&] { return rt.run_saga("gated", {}, 60s); }));
  REQUIRE(eventually([&] { return rt.running_sagas().size() == n; }));
  auto listed = rt.running_sagas();
  size_t queued = 0;
  for (const auto& s : listed) queued += s.queued ? 1 : 0;
  CHECK(queued == n - 2);
  // Queued sagas have written nothing yet: the log knows only the running ones.
  CHECK(db.value<int64_t>("SELECT count(*) FROM actortx.saga") <= 2);
  g.release();
  for (auto& f : outs) {
    auto out = f.get();
    INFO(out.message);
    CHECK(out.state == saga_state::committed);
  }
  CHECK(db.value<int64_t>("SELECT count(*) FROM done") == n);
  CHECK(rt.running_sagas().empty());
}

TEST_CASE("a saga deadline out of range is refused naming the option", "[saga][pg]") {
  test::test_database db;
  saga_registry reg;
  reg.define("any").step("only", record("only"));
  runtime rt{config_of(db, "a"), std::move(reg)};
  saga_request req;
  req.type = "any";
  req.options.timeout = -5ms;
  auto out = rt.run_saga(req, 10s);
  CHECK(out.state == saga_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK_THAT(out.message, Catch::Contains("saga_options.timeout"));
}
