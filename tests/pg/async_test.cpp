// The asynchronous API: transact_async / run_saga_async with futures and callbacks, bounded by
// the deadline, and never leaving a future unfulfilled, also when the runtime goes away.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/failure_cause.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/trace_context.hpp>

#include "async_helpers.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using test::clock_type;
using test::connection_holder;
using test::eventually;
using test::ms_since;
using test::ready_within;
using test::running;

TEST_CASE("twenty async transactions started from one thread and awaited together all commit",
          "[pg][async]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(n int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  const auto opts = rt.default_options();
  std::vector<tx_ticket<tx_outcome>> tickets;
  const auto t0 = clock_type::now();
  for (int i = 0; i < 20; ++i) {
    if (i % 2 == 0) {
      // Each body takes 100 ms, ten of them on four connections: the calls must not wait.
      tickets.push_back(rt.transact_async(opts, [i](tx& t) {
        t.exec("SELECT pg_sleep(0.1)");
        t.exec("INSERT INTO item VALUES ($1)", i);
      }));
    } else {
      tx_script s;
      s.add("INSERT INTO item VALUES ($1)", i);
      tickets.push_back(rt.transact_async(opts, s));
    }
  }
  CHECK(ms_since(t0) < 500);  // blocking calls would take over 1 s
  for (auto& t : tickets) {
    CHECK(valid_traceparent(t.canceller.correlation_id()));
    auto out = t.get();
    INFO(describe(out));
    CHECK(out.committed());
  }
  CHECK(db.value<long>("SELECT count(*) FROM item") == 20);
  CHECK(db.value<long>("SELECT sum(n) FROM item") == 190);
}

TEST_CASE("transact_async of a body returning a value gives the value in the future",
          "[pg][async]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.correlation_id = new_traceparent();
  auto ticket = rt.transact_async(
      opts, [](tx& t) { return t.query_value<std::string>("SELECT 'forty' || (41 + 1)::text"); });
  // A correlation id the caller chose is kept: the canceller names it.
  CHECK(ticket.canceller.correlation_id() == opts.correlation_id);
  auto r = ticket.get();
  INFO(describe(r.outcome));
  REQUIRE(r.committed());
  CHECK(r.value() == "forty42");
}

TEST_CASE("the callback form calls done exactly once and survives a callback that throws",
          "[pg][async]") {
  test::test_schema db;
  db.exec("CREATE TABLE note(v text)");
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::promise<tx_outcome> first;
  auto first_outcome = first.get_future();
  {
    runtime rt{test::test_config(db)};
    const auto opts = rt.default_options();
    rt.transact_async(
        opts, [](tx& t) { t.exec("INSERT INTO note VALUES ('once')"); },
        [calls, &first](tx_outcome out) {
          if (calls->fetch_add(1) == 0) first.set_value(std::move(out));
        });
    REQUIRE(ready_within(first_outcome, 5s));
    CHECK(first_outcome.get().committed());
    // A throwing callback is logged, and the runtime goes on.
    std::promise<void> thrown;
    rt.transact_async(
        opts, [](tx&) {},
        [&thrown](tx_outcome) {
          thrown.set_value();
          throw std::runtime_error("the caller's own bug");
        });
    thrown.get_future().wait();
    CHECK(rt.transact_async(opts, [](tx& t) { t.exec("INSERT INTO note VALUES ('after')"); })
              .get()
              .committed());
  }
  // The runtime is gone: no further call can come.
  CHECK(calls->load() == 1);
  CHECK(db.value<long>("SELECT count(*) FROM note") == 2);
}

TEST_CASE("destroying the runtime fulfils the futures of pending async transactions",
          "[pg][async]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.transactions.shutdown_grace = 100ms;
  // Longer than the test may take: the pool answers its queued lease requests when it stops,
  // not at their acquire timeout.
  cfg.pool.acquire_timeout = 10s;
  auto rt = std::make_unique<runtime>(cfg);
  auto opts = rt->default_options();
  opts.timeout = 30s;
  auto busy =
      rt->transact_async(opts, [](tx& t) { t.exec("SELECT pg_sleep(10) /* drain-probe */"); });
  REQUIRE(eventually([&] { return running(db, "drain-probe") > 0; }));
  auto waiting = rt->transact_async(opts, [](tx& t) { t.exec("SELECT 1"); });
  REQUIRE(eventually([&] { return rt->pool_snapshot().waiting == 1; }));
  const auto t0 = clock_type::now();
  std::atomic<long> fulfilled_after{-1};
  std::thread watcher{[&] {
    busy.future.wait();
    waiting.future.wait();
    fulfilled_after = ms_since(t0);
  }};
  rt.reset();
  watcher.join();
  // Within the shutdown grace and the stop that follows it, not at the 30 s deadline.
  CHECK(fulfilled_after.load() < 1500);
  REQUIRE(busy.ready());
  REQUIRE(waiting.ready());
  for (auto* ticket : {&busy, &waiting}) {
    auto out = ticket->get();
    INFO(describe(out));
    CHECK(out.state == tx_state::failed);
    CHECK(out.code == errc::shutting_down);
  }
  busy.cancel();  // the runtime is gone: nothing happens
}

TEST_CASE("a thread that started async transactions does not hold back the runtime's end",
          "[pg][async]") {
  // CAF 0.17 keeps, per thread, the logger of the actor system it last spawned in, and the
  // system's destructor waits for every such thread (blocking_self.hpp).
  test::test_schema db;
  auto rt = std::make_unique<runtime>(test::test_config(db));
  std::promise<void> started;
  std::promise<void> may_end;
  std::thread caller{[&] {
    CHECK(rt->transact_async(rt->default_options(), [](tx&) {}).get().committed());
    started.set_value();
    may_end.get_future().wait();  // this thread lives on after the runtime
  }};
  started.get_future().wait();
  auto destroyed = std::async(std::launch::async, [&] { rt.reset(); });
  const bool in_time = destroyed.wait_for(5s) == std::future_status::ready;
  may_end.set_value();
  caller.join();
  destroyed.wait();
  CHECK(in_time);
}

TEST_CASE("an async body sleeping past its deadline ends TIMEOUT on time", "[pg][async]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.timeout = 300ms;
  const auto t0 = clock_type::now();
  auto ticket = rt.transact_async(opts, [](tx& t) { t.exec("SELECT pg_sleep(10)"); });
  REQUIRE(ready_within(ticket.future, 2s));
  auto out = ticket.get();
  const auto after = ms_since(t0);
  INFO(describe(out));
  CHECK(out.state == tx_state::timeout);
  CHECK(out.code == errc::timeout);
  CHECK(after >= 290);
  CHECK(after < 800);
}

TEST_CASE("run_saga_async runs a registered saga with a future and with a callback",
          "[pg][async][saga]") {
  test::test_database db;
  db.exec("CREATE TABLE greeting(name text)");
  saga_registry reg;
  reg.define("greet").step("insert", [](tx& t, saga_context& ctx) {
    t.exec("SELECT pg_sleep($1::float8)", ctx.get("sleep"));
    t.exec("INSERT INTO greeting VALUES ($1)", ctx.get("name"));
  });
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "async-" + db.name();
  runtime rt{cfg, std::move(reg)};
  saga_request req;
  req.type = "greet";
  req.context = {{"name", "ada"}, {"sleep", "0"}};
  auto out = rt.run_saga_async(req).get();
  INFO(out.message);
  CHECK(out.committed());
  CHECK_FALSE(out.id.empty());

  std::promise<saga_outcome> called;
  req.context = {{"name", "bob"}, {"sleep", "0"}};
  rt.run_saga_async(req, [&called](saga_outcome o) { called.set_value(std::move(o)); });
  CHECK(called.get_future().get().committed());

  // The caller stops waiting; the saga goes on and can be named.
  req.context = {{"name", "cy"}, {"sleep", "0.4"}};
  auto gave_up = rt.run_saga_async(req, 50ms).get();
  CHECK(gave_up.caller_gave_up);
  CHECK(gave_up.code == errc::timeout);
  CHECK_FALSE(gave_up.id.empty());
  CHECK(eventually([&] { return rt.saga(gave_up.id).state == saga_state::committed; }));
  CHECK(db.value<std::string>("SELECT string_agg(name, ',' ORDER BY name) FROM greeting") ==
        "ada,bob,cy");
}
