// The correlation id (a W3C traceparent) end to end on one node: given or generated once, kept
// across retries, in the transaction's record, and on the server in application_name while
// the transaction runs, on the plain path (a body) and the pipelined one (a script).
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>
#include <actortx/trace_context.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// The application_name each attempt of a body saw; the first attempt fails with a
/// serialization failure, so the transaction is retried once.
struct attempt_names {
  std::mutex mtx;
  std::vector<std::string> names;

  std::function<void(tx&)> body() {
    return [this](tx& t) {
      auto name = t.query_value<std::string>("SELECT current_setting('application_name')");
      size_t n = 0;
      {
        std::lock_guard<std::mutex> guard{mtx};
        names.push_back(std::move(name));
        n = names.size();
      }
      if (n == 1) t.exec("DO $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = '40001'; END $$");
    };
  }
};

/// Checks that a transaction retried once ran both attempts in the trace of its record.
void check_one_trace(runtime& rt, const tx_outcome& out, attempt_names& seen) {
  INFO(describe(out));
  REQUIRE(out.committed());
  REQUIRE(out.attempts == 2);
  auto record = rt.transaction_record(out.id);
  REQUIRE(record);
  REQUIRE(valid_traceparent(record->correlation_id));
  const auto trace = trace_id_of(record->correlation_id);
  REQUIRE(seen.names.size() == 2);
  CHECK(seen.names[0] == "actortx/" + std::to_string(out.id) + "/1/" + trace);
  CHECK(seen.names[1] == "actortx/" + std::to_string(out.id) + "/2/" + trace);
}

/// Holds an advisory lock (its key from the test's schema: tests run in parallel on one
/// database) on a connection of its own, so that a transaction that takes it too waits,
/// visibly in pg_stat_activity, until release().
class gate {
 public:
  explicit gate(const test::test_schema& db)
      : conn_{db.dsn()},
        key_{std::to_string(static_cast<int64_t>(std::hash<std::string>{}(db.name()) >> 1))} {
    pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_lock(" + key_ + ")");
  }
  void release() { pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_unlock(" + key_ + ")"); }
  /// SQL that waits for the lock inside a transaction.
  std::string take() const { return "SELECT pg_advisory_xact_lock(" + key_ + ")"; }

 private:
  pqxx::connection conn_;
  std::string key_;
};

/// Backends whose application_name is LIKE `pattern` and that wait for a lock.
long waiting_as(test::test_schema& db, const std::string& pattern) {
  return db.value<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '" +
                        pattern + "' AND wait_event_type = 'Lock'");
}

/// Waits (up to 10 s) until a backend waits for a lock under an application_name LIKE
/// `pattern`.
bool wait_for_waiting(test::test_schema& db, const std::string& pattern) {
  for (int i = 0; i < 1000; ++i) {
    if (waiting_as(db, pattern) == 1) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a transaction without a correlation id gets one, kept by its retry and its record",
          "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "traced";
  opts.retry.initial_delay = 1ms;
  attempt_names seen;
  // Straight to the supervisor (as an actor's request goes): it makes the id.
  tx_outcome out;
  caf::scoped_actor self{rt.system()};
  self->request(rt.supervisor(), 10s, run_atom::value, opts, make_body(seen.body()))
      .receive([&](tx_outcome& o) { out = std::move(o); },
               [&](caf::error& err) { FAIL(rt.system().render(err)); });
  check_one_trace(rt, out, seen);
}

TEST_CASE("a caller's correlation id is kept by the blocking lane, the retry and the record",
          "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.retry.initial_delay = 1ms;
  opts.correlation_id = new_traceparent();
  attempt_names seen;
  // Once a connection is idle (the first transaction may find none), the first attempt runs
  // on the blocking lane and the retry is the supervisor's.
  REQUIRE(rt.transact(opts, [](tx& t) { t.exec("SELECT 1"); }).committed());
  auto out = rt.transact(opts, seen.body());
  check_one_trace(rt, out, seen);
  CHECK(rt.transaction_record(out.id)->correlation_id == opts.correlation_id);
}

TEST_CASE("a malformed correlation id is refused before anything runs", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.correlation_id = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
  auto out = rt.transact(opts, [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); });
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK_THAT(out.message,
             Catch::Contains("tx_options::correlation_id") && Catch::Contains("lower-case hex"));
  auto script = rt.transact(opts, tx_script{}.add("INSERT INTO t VALUES (1)"));
  CHECK(script.code == errc::invalid_argument);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

TEST_CASE("the server shows the trace id in application_name while a transaction runs", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.correlation_id = new_traceparent();
  const auto trace = trace_id_of(opts.correlation_id);
  gate held{db};
  std::future<tx_outcome> running;
  SECTION("a body (BEGIN; SET LOCAL application_name)") {
    running = std::async(std::launch::async, [&] {
      return rt.transact(opts, [&held](tx& t) { t.exec(held.take()); });
    });
  }
  SECTION("a pipelined script (set_config in the pipeline)") {
    running = std::async(std::launch::async,
                         [&] { return rt.transact(opts, tx_script{}.add(held.take())); });
  }
  // Its id is not known before it answers: the name is matched up to it.
  const bool seen = wait_for_waiting(db, "actortx/%/1/" + trace);
  held.release();
  auto out = running.get();
  INFO(describe(out));
  CHECK(seen);
  REQUIRE(out.committed());
  // SET LOCAL / set_config(..., true): the name ends with the transaction.
  CHECK(db.value<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%" +
                       trace + "'") == 0);
}

TEST_CASE("a transaction on the blocking lane without a correlation id has one in its record",
          "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  // The first ones may find no idle connection yet and go to the supervisor; the later ones
  // take the blocking lane.
  for (int i = 0; i < 5; ++i) {
    auto out = rt.transact(rt.default_options(), [](tx& t) { t.exec("SELECT 1"); });
    REQUIRE(out.committed());
    auto record = rt.transaction_record(out.id);
    REQUIRE(record);
    CHECK(valid_traceparent(record->correlation_id));
  }
}
