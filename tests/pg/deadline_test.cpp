// Deadlines are enforced on the server, not just reported.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using test::ms_since;

namespace {

/// Number of backends running `needle` right now, seen from an independent connection.
long running(test::test_schema& db, const std::string& needle) {
  return db.value<long>(
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query "
      "LIKE '%" +
      needle + "%' AND pid <> pg_backend_pid()");
}

}  // namespace

TEST_CASE("pg_sleep past a 200 ms deadline ends TIMEOUT and is cancelled on the server", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 200ms;
  const auto t0 = clock_type::now();
  tx_outcome out;
  std::thread client{[&] {
    out = rt.transact(opts, [](tx& t) { t.exec("SELECT pg_sleep(10) /* deadline-probe */"); });
  }};
  // While the body runs, the query is visible on the server...
  bool seen_running = false;
  while (ms_since(t0) < 180 && !seen_running) {
    seen_running = running(db, "deadline-probe") > 0;
    std::this_thread::sleep_for(10ms);
  }
  CHECK(seen_running);
  // ...and within 100 ms of the deadline it is gone.
  while (ms_since(t0) < 300 && running(db, "deadline-probe") > 0) std::this_thread::sleep_for(5ms);
  const auto gone_after = ms_since(t0);
  client.join();
  const auto returned_after = ms_since(t0);
  CHECK(gone_after <= 300);
  CHECK(running(db, "deadline-probe") == 0);
  CHECK(out.state == tx_state::timeout);
  CHECK(out.code == errc::timeout);
  CHECK(returned_after < 300);
  INFO("outcome after " << out.duration.count() << " us");
  CHECK(out.duration < std::chrono::microseconds{300000});
}

TEST_CASE("the deadline cancels a statement on the server before its statement_timeout would",
          "[pg]") {
  // statement_timeout is set once at BEGIN to the whole budget and counts per statement: a
  // statement started 300 ms into a 500 ms budget would run until ~800 ms on its own. Only
  // the supervisor's pg_cancel_backend at the deadline stops it at ~500 ms. (The gap is wide
  // so that a loaded machine, e.g. under ASan, cannot blur the two.)
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 500ms;
  const auto t0 = clock_type::now();
  tx_outcome out;
  std::thread client{[&] {
    out = rt.transact(opts, [](tx& t) {
      std::this_thread::sleep_for(300ms);
      t.exec("SELECT pg_sleep(10) /* late-probe */");
    });
  }};
  bool seen_running = false;
  while (ms_since(t0) < 480 && !seen_running) {
    seen_running = running(db, "late-probe") > 0;
    std::this_thread::sleep_for(5ms);
  }
  while (ms_since(t0) < 1000 && running(db, "late-probe") > 0) std::this_thread::sleep_for(5ms);
  const auto gone_after = ms_since(t0);
  client.join();
  CHECK(seen_running);
  INFO("statement gone after " << gone_after << " ms");
  CHECK(gone_after <= 700);
  CHECK(out.state == tx_state::timeout);
}

TEST_CASE("the connection is usable again after a timeout", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);  // one connection: the next transaction must reuse it
  // The server obeys the cancel within milliseconds, but on a loaded machine not always within
  // the default 20 ms grace, after which the connection is cut (and replaced) on purpose.
  cfg.transactions.cancel_grace = 1s;
  runtime rt{cfg};
  tx_options slow = rt.default_options();
  slow.timeout = 150ms;
  auto first = rt.transact(slow, [](tx& t) { t.exec("SELECT pg_sleep(5)"); });
  REQUIRE(first.state == tx_state::timeout);
  int32_t pid_before = first.attempt_log.back().backend_pid;
  int value = 0;
  int32_t pid_after = 0;
  auto second = rt.transact([&](tx& t) {
    value = t.query_value<int>("SELECT 41 + 1");
    pid_after = t.backend_pid();
  });
  REQUIRE(second.committed());
  CHECK(value == 42);
  CHECK(pid_after == pid_before);  // reused, not replaced: the cancel left it healthy
}

TEST_CASE("an actor gets TIMEOUT at the deadline even while the body blocks in C++", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 200ms;
  caf::scoped_actor self{rt.system()};
  const auto t0 = clock_type::now();
  tx_outcome out;
  // Captures by value only: the outcome arrives while the body still sleeps.
  self->request(rt.supervisor(), 5s, run_atom::value, opts,
                make_body([](tx&) { std::this_thread::sleep_for(800ms); }))
      .receive([&](tx_outcome& o) { out = std::move(o); },
               [&](caf::error& e) { FAIL(rt.system().render(e)); });
  const auto after = ms_since(t0);
  CHECK(out.state == tx_state::timeout);
  CHECK(after < 300);
  // Let the body finish before the runtime goes away.
  std::this_thread::sleep_for(800ms);
}

TEST_CASE("a retry never starts when its backoff would end past the deadline", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  rt.transact([](tx& t) { t.exec("SELECT 1"); });  // the pool's connection is up
  tx_options opts = rt.default_options();
  opts.timeout = 600ms;
  opts.retry.strategy = backoff::linear;
  opts.retry.initial_delay = 200ms;
  opts.retry.max_delay = 1000ms;
  opts.retry.jitter = 0;
  opts.retry.max_retries = 10;
  const auto t0 = clock_type::now();
  auto out = rt.transact(opts, [](tx& t) {
    t.exec("DO $$BEGIN RAISE EXCEPTION 'forced conflict' USING ERRCODE = '40001'; END$$");
  });
  CHECK(out.state == tx_state::timeout);
  // waits 200 ms, then another 400 ms would pass the 600 ms deadline: 2 attempts (as long as
  // the first attempt takes under 400 ms, which leaves a loaded CI machine plenty of room)
  CHECK(out.attempts == 2);
  CHECK(out.message.find("past the deadline") != std::string::npos);
  CHECK(ms_since(t0) < 600);
}
