// The caller's cancel of an asynchronous transaction: ROLLED_BACK (errc::cancelled) before
// COMMIT may be on the wire, the commit's own outcome after; never another caller's transaction.
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

TEST_CASE("cancel of a body blocked in pg_sleep ends ROLLED_BACK and cancels its query",
          "[pg][async]") {
  test::test_schema db;
  db.exec("CREATE TABLE note(v text)");
  runtime rt{test::test_config(db)};
  auto ticket = rt.transact_async(rt.default_options(), [](tx& t) {
    t.exec("INSERT INTO note VALUES ('must not stay')");
    t.exec("SELECT pg_sleep(10) /* async-cancel-probe */");
  });
  REQUIRE(eventually([&] { return running(db, "async-cancel-probe") > 0; }));
  const auto t0 = clock_type::now();
  ticket.cancel();
  REQUIRE(ready_within(ticket.future, 2s));
  auto out = ticket.get();
  const auto answered_after = ms_since(t0);
  INFO(describe(out));
  CHECK(answered_after < 1000);
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.code == errc::cancelled);
  CHECK(out.error() == errc::cancelled);
  // Stopped on request: a rollback, not a failed attempt.
  REQUIRE(out.attempt_log.size() == 1);
  CHECK(out.attempt_log.back().code == errc::cancelled);
  CHECK_FALSE(attempt_failed(out.attempt_log.back()));
  CHECK(eventually([&] { return running(db, "async-cancel-probe") == 0; }, 1s));
  CHECK(db.value<long>("SELECT count(*) FROM note") == 0);
  auto record = rt.transaction_record(out.id);
  REQUIRE(record);
  CHECK(record->failure_causes.empty());
  // The connection is fine for the next one.
  CHECK(
      rt.transact_async(rt.default_options(), [](tx& t) { t.exec("SELECT 1"); }).get().committed());
}

TEST_CASE("cancel right after transact_async ends it ROLLED_BACK and its body never runs",
          "[pg][async]") {
  // The only connection is held: were the cancel to overtake the run request, the supervisor
  // would not know the transaction yet, and it would run once the connection is free.
  test::test_schema db;
  db.exec("CREATE TABLE note(v text)");
  runtime rt{test::test_config(db, 1)};
  const auto opts = rt.default_options();
  connection_holder holder;
  auto held = rt.transact_async(opts, holder.body("holder"));
  REQUIRE(eventually([&] { return holder.holding->load(); }));
  auto ran = std::make_shared<std::atomic<bool>>(false);
  auto ticket = rt.transact_async(opts, [ran](tx& t) {
    *ran = true;
    t.exec("INSERT INTO note VALUES ('cancelled')");
  });
  ticket.cancel();
  REQUIRE(ready_within(ticket.future, 2s));
  auto out = ticket.get();
  INFO(describe(out));
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.code == errc::cancelled);
  holder.release.set_value();
  CHECK(held.get().committed());
  CHECK_FALSE(ran->load());
  CHECK(db.value<std::string>("SELECT string_agg(v, ',') FROM note") == "holder");
}

TEST_CASE("cancel of a transaction waiting for a pool of 1 held by another is answered at once",
          "[pg][async]") {
  test::test_schema db;
  db.exec("CREATE TABLE note(v text)");
  runtime rt{test::test_config(db, 1)};
  const auto opts = rt.default_options();
  connection_holder holder;
  auto held = rt.transact_async(opts, holder.body("holder"));
  REQUIRE(eventually([&] { return holder.holding->load(); }));
  auto waiter =
      rt.transact_async(opts, [](tx& t) { t.exec("INSERT INTO note VALUES ('waiter')"); });
  REQUIRE(eventually([&] { return rt.pool_snapshot().waiting == 1; }));
  const auto t0 = clock_type::now();
  waiter.cancel();
  REQUIRE(ready_within(waiter.future, 2s));
  auto out = waiter.get();
  INFO(describe(out));
  CHECK(ms_since(t0) < 500);
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.code == errc::cancelled);
  CHECK_FALSE(held.ready());  // the holder was not disturbed
  holder.release.set_value();
  CHECK(held.get().committed());
  // The cancelled waiter's lease does not linger: the pool serves the next one.
  CHECK(rt.transact_async(opts, [](tx& t) { t.exec("SELECT 1"); }).get().committed());
  CHECK(db.value<std::string>("SELECT string_agg(v, ',') FROM note") == "holder");
}

TEST_CASE("cancel after the outcome changes nothing and never reaches a later transaction",
          "[pg][async]") {
  test::test_schema db;
  db.exec("CREATE TABLE note(v text)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.correlation_id = new_traceparent();  // shared by both: one trace
  auto first = rt.transact_async(opts, [](tx& t) { t.exec("INSERT INTO note VALUES ('first')"); });
  const auto out = first.get();
  REQUIRE(out.committed());
  auto second = rt.transact_async(opts, [](tx& t) {
    t.exec("SELECT pg_sleep(0.3) /* second-probe */");
    t.exec("INSERT INTO note VALUES ('second')");
  });
  REQUIRE(eventually([&] { return running(db, "second-probe") > 0; }));
  first.cancel();
  first.cancel();
  auto later = second.get();
  INFO(describe(later));
  CHECK(later.committed());
  CHECK(db.value<std::string>("SELECT string_agg(v, ',' ORDER BY v) FROM note") == "first,second");
}

TEST_CASE("cancel while COMMIT is on the wire leaves the outcome to the commit", "[pg][async]") {
  // A deferred constraint trigger makes COMMIT itself take 500 ms.
  test::test_schema db;
  db.exec(
      "CREATE TABLE slow(v text);"
      "CREATE FUNCTION slow_check() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$;"
      "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON slow DEFERRABLE INITIALLY DEFERRED "
      "FOR EACH ROW EXECUTE FUNCTION slow_check()");
  runtime rt{test::test_config(db)};
  auto pid = std::make_shared<std::atomic<int>>(0);
  auto ticket = rt.transact_async(rt.default_options(), [pid](tx& t) {
    *pid = t.query_value<int>("SELECT pg_backend_pid()");
    t.exec("INSERT INTO slow VALUES ('committed')");
  });
  REQUIRE(eventually([&] {
    return pid->load() != 0 &&
           db.value<long>(
               "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid "
               "= " +
               std::to_string(pid->load()) + " AND query LIKE '%COMMIT%'") == 1;
  }));
  ticket.cancel();
  auto out = ticket.get();
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(db.value<long>("SELECT count(*) FROM slow") == 1);
}

TEST_CASE("an actor cancels its own request by correlation id and no one else's", "[pg][async]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "actor-cancel";
  opts.correlation_id = new_traceparent();
  auto body = make_body([](tx& t) { t.exec("SELECT pg_sleep(10) /* actor-cancel-probe */"); });
  caf::scoped_actor requester{rt.system()};
  caf::scoped_actor stranger{rt.system()};
  auto reply = requester->request(rt.supervisor(), 20s, run_atom::value, opts, body);
  REQUIRE(eventually([&] { return running(db, "actor-cancel-probe") > 0; }));
  // Another actor naming the same id does not reach it. Its next request is handled after
  // its cancel (one sender's messages keep their order): the transaction still runs then.
  stranger->send(rt.supervisor(), cancel_tx_atom::value, opts.correlation_id);
  std::vector<active_tx> active;
  stranger->request(rt.supervisor(), 5s, active_atom::value)
      .receive([&](std::vector<active_tx>& a) { active = std::move(a); },
               [&](caf::error& err) { FAIL(rt.system().render(err)); });
  REQUIRE(active.size() == 1);
  CHECK(active[0].label == "actor-cancel");
  // The requester's own cancel does.
  requester->send(rt.supervisor(), cancel_tx_atom::value, opts.correlation_id);
  tx_outcome out;
  reply.receive([&](tx_outcome& o) { out = std::move(o); },
                [&](caf::error& err) { FAIL(rt.system().render(err)); });
  INFO(describe(out));
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.code == errc::cancelled);
}
