// Records built from outcomes: failed attempts' causes, the outcome's error type, savepoints
// and rows only when committed, the library's own transactions flagged internal.
#include "runtime/observability/metrics_records.hpp"

#include <catch2/catch.hpp>

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a transaction record lists the cause of every failed attempt", "[unit]") {
  tx_outcome out;
  out.id = 7;
  out.label = "transfer";
  out.state = tx_state::committed;
  out.attempts = 3;
  out.duration = 2500us;
  attempt_record deadlock;
  deadlock.cls = error_class::retry;
  deadlock.sqlstate = "40P01";
  attempt_record lost;
  lost.cls = error_class::reconnect;  // no SQLSTATE: the connection went away
  attempt_record ok;
  out.attempt_log = {deadlock, lost, ok};
  tx_options opts;
  opts.level = isolation::serializable;
  opts.read_only = false;
  auto r = make_tx_record(out, opts, 2, 5, 1'000'000'000);
  CHECK(r.id == 7);
  CHECK(r.label == "transfer");
  CHECK(r.iso == isolation::serializable);
  CHECK(r.attempts == 3);
  CHECK(r.failure_causes == std::vector<std::string>{"40P01", "connection_lost"});
  CHECK(r.error_type.empty());  // it committed
  CHECK(r.savepoints == 2);
  CHECK(r.rows == 5);
  CHECK(r.duration == 2500us);
  CHECK(r.start_unix_us == 1'000'000'000 - 2500);
}

TEST_CASE("a failed transaction's record has no savepoints or rows", "[unit]") {
  tx_outcome out;
  out.state = tx_state::failed;
  auto r = make_tx_record(out, tx_options{}, 4, 10, 0);
  CHECK(r.savepoints == 0);
  CHECK(r.rows == 0);
}

TEST_CASE("a transaction record carries its options' saga id, empty for no saga", "[unit]") {
  tx_outcome out;
  out.id = 3;
  out.label = "transfer/debit";
  out.state = tx_state::rolled_back;
  tx_options opts;
  opts.label = out.label;
  opts.saga_id = "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2";
  CHECK(make_tx_record(out, opts, 0, 0, 0).saga_id == opts.saga_id);
  CHECK(make_tx_record(out, tx_options{}, 0, 0, 0).saga_id.empty());
}

namespace {

attempt_record attempt(uint32_t number, error_class cls, errc code, std::string sqlstate = "") {
  attempt_record a;
  a.number = number;
  a.cls = cls;
  a.code = code;
  a.sqlstate = std::move(sqlstate);
  return a;
}

}  // namespace

TEST_CASE("a body's rollback is not a failed attempt and its record has no error type", "[unit]") {
  tx_outcome out;
  out.state = tx_state::rolled_back;
  out.code = errc::rolled_back;
  out.attempts = 2;
  out.attempt_log = {attempt(1, error_class::retry, errc::sql_error, "40001"),
                     attempt(2, error_class::fail_fast, errc::rolled_back)};
  const auto r = make_tx_record(out, tx_options{}, 0, 0, 0);
  CHECK(r.failure_causes == std::vector<std::string>{"40001"});
  CHECK(r.error_type.empty());
  CHECK(r.state == tx_state::rolled_back);
}

TEST_CASE("a lost connection and a passed deadline are named as causes, never \"\"", "[unit]") {
  tx_outcome out;
  out.state = tx_state::timeout;
  out.code = errc::timeout;
  out.attempts = 2;
  out.attempt_log = {attempt(1, error_class::reconnect, errc::connection_lost),
                     attempt(2, error_class::timeout, errc::timeout)};
  const auto r = make_tx_record(out, tx_options{}, 0, 0, 0);
  CHECK(r.failure_causes == std::vector<std::string>{"connection_lost", "deadline"});
  CHECK(r.error_type == "deadline");

  out.state = tx_state::failed;
  out.code = errc::sql_error;
  out.sqlstate = "23505";
  out.attempt_log = {attempt(1, error_class::fail_fast, errc::sql_error, "23505")};
  CHECK(make_tx_record(out, tx_options{}, 0, 0, 0).error_type == "23505");

  out.code = errc::body_failed;
  out.sqlstate.clear();
  out.attempt_log = {attempt(1, error_class::fail_fast, errc::body_failed)};
  const auto thrown = make_tx_record(out, tx_options{}, 0, 0, 0);
  CHECK(thrown.failure_causes == std::vector<std::string>{"body_exception"});
  CHECK(thrown.error_type == "body_exception");
}

TEST_CASE("a record carries its deadline and correlation id and flags the library's own",
          "[unit]") {
  tx_outcome out;
  out.state = tx_state::committed;
  out.label = "actortx.saga_log";
  tx_options opts;
  opts.timeout = 750ms;
  opts.correlation_id = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto r = make_tx_record(out, opts, 0, 0, 0);
  CHECK(r.internal);
  CHECK(r.timeout == 750ms);
  CHECK(r.correlation_id == opts.correlation_id);
  out.label = "actortx-like but not reserved";
  CHECK_FALSE(make_tx_record(out, opts, 0, 0, 0).internal);
}

TEST_CASE("a saga record counts the steps done and the compensations", "[unit]") {
  saga_outcome out;
  out.id = "s1";
  out.type = "user_registration";
  out.state = saga_state::compensated;
  out.steps.resize(3);
  out.steps[0].state = step_state::compensated;
  out.steps[1].state = step_state::compensated;
  out.steps[2].state = step_state::failed;
  out.duration = 10ms;
  out.message = "step 3 failed";
  auto r = make_saga_record(out, 50'000);
  CHECK(r.steps == 3);
  CHECK(r.steps_done == 2);
  CHECK(r.compensations == 2);
  CHECK(r.state == saga_state::compensated);
  CHECK(r.start_unix_us == 40'000);
  CHECK(r.error == "step 3 failed");
}
