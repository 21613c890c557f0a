// Records built from outcomes: failed attempts' SQLSTATEs, savepoints/rows only when committed.
#include "runtime/observability/metrics_records.hpp"

#include <catch2/catch.hpp>

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a transaction record lists the SQLSTATE of every failed attempt", "[unit]") {
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
  CHECK(r.failed_sqlstates == std::vector<std::string>{"40P01", ""});
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
