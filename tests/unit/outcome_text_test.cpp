#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>

using namespace actortx;

TEST_CASE("describe names the state, attempts and each failed attempt's SQLSTATE", "[unit]") {
  tx_outcome out;
  out.id = 7;
  out.label = "transfer";
  out.state = tx_state::committed;
  out.attempts = 2;
  out.duration = std::chrono::microseconds{3200};
  attempt_record first;
  first.number = 1;
  first.cls = error_class::retry;
  first.sqlstate = "40P01";
  first.message = "deadlock detected";
  first.duration = std::chrono::microseconds{1100};
  first.backend_pid = 4242;
  attempt_record second;
  second.number = 2;
  out.attempt_log = {first, second};
  CHECK(describe(out) ==
        "tx 7 [transfer] COMMITTED after 2 attempts in 3.2 ms; attempt 1: retry 40P01 "
        "\"deadlock detected\" (1.1 ms, pid 4242)");
}

TEST_CASE("describe of a failure shows the error code, SQLSTATE and message", "[unit]") {
  tx_outcome out;
  out.id = 3;
  out.state = tx_state::failed;
  out.attempts = 1;
  out.code = errc::sql_error;
  out.sqlstate = "23505";
  out.message = "duplicate key";
  auto text = describe(out);
  CHECK(text.find("tx 3 FAILED after 1 attempt in 0.0 ms") == 0);
  CHECK(text.find("(SQLSTATE 23505)") != std::string::npos);
  CHECK(text.find("\"duplicate key\"") != std::string::npos);
}
