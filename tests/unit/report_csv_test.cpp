// The CSV reports: transactions_csv and its inverse, aggregates_csv.
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/metrics_report.hpp>

#include "report_fixture.hpp"

using namespace actortx;
using namespace actortx::test;

namespace {

const std::string trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::string csv_header() {
  return "id,label,isolation,read_only,start_unix_us,duration_us,duration_seconds,attempts,"
         "state,failure_causes,savepoints,rows,deduplicated,saga_id,error_type,internal,"
         "timeout_ms,correlation_id,idempotency_key\r\n";
}

/// A valid row of csv_header() with `state` and `causes` put in.
std::string row(const std::string& state, const std::string& causes,
                const std::string& error_type = "") {
  return "2,b,serializable,true,0,10,0.00001,1," + state + "," + causes + ",0,0,false,," +
         error_type + ",false,500,,false\r\n";
}

}  // namespace

TEST_CASE("transactions_csv quotes fields per RFC 4180 and joins failure causes with ';'",
          "[unit]") {
  auto a = record(7, "a,\"b\"");
  auto b = record(8, "two\nlines");
  b.iso = isolation::repeatable_read;
  b.read_only = false;
  b.state = tx_state::timeout;
  b.error_type = "deadline";
  b.failure_causes = {"deadline"};
  b.deduplicated = false;
  b.saga_id.clear();
  b.internal = true;
  b.timeout = std::chrono::milliseconds{500};
  b.correlation_id.clear();
  CHECK(transactions_csv({a, b}) ==
        csv_header() +
            "7,\"a,\"\"b\"\"\",serializable,true,1700000000123456,12500,0.0125,3,COMMITTED,"
            "40001;connection_lost,2,9,true,3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2,,false,30000," +
            trace +
            ",true\r\n"
            "8,\"two\nlines\",repeatable_read,false,1700000000123456,12500,0.0125,3,TIMEOUT,"
            "deadline,2,9,false,,deadline,true,500,,true\r\n");
  CHECK(transactions_csv({}) == csv_header());
}

TEST_CASE("transactions_csv writes a cause it cannot read back as \"other\"", "[unit]") {
  auto r = record(1, "x");
  r.failure_causes = {"", "40P01"};  // "" from a peer that predates causes
  r.error_type = "no such cause";
  const auto back = transactions_from_csv(transactions_csv({r}));
  REQUIRE(back.size() == 1);
  CHECK(back[0].failure_causes == std::vector<std::string>{"other", "40P01"});
  CHECK(back[0].error_type == "other");
}

TEST_CASE("transactions_from_csv parses transactions_csv back exactly", "[unit]") {
  auto full = full_report().transactions;
  auto odd = record(3, "");
  odd.failure_causes = {"body_exception"};
  odd.state = tx_state::failed;
  odd.error_type = "body_exception";
  full.push_back(odd);
  odd.id = 5;
  odd.failure_causes = {"40P01", "40P01", "40001"};
  odd.state = tx_state::rolled_back;
  odd.error_type.clear();
  odd.iso = isolation::read_committed;
  odd.correlation_id = "\"quoted\", with a comma";
  full.push_back(odd);

  const auto back = transactions_from_csv(transactions_csv(full));
  check_all_same(back, full);
}

TEST_CASE(
    "transactions_from_csv reads an older file: LF line ends, reordered columns, "
    "failed_sqlstates and no later columns",
    "[unit]") {
  const auto back = transactions_from_csv(
      "state,id,label,isolation,read_only,start_unix_us,duration_us,attempts,failed_sqlstates,"
      "savepoints,rows,deduplicated\n"
      "FAILED,12,\"x\ny\",read_committed,false,-1,250,2,08006;-,0,0,false\n"
      "COMMITTED,13,actortx.saga_log,read_committed,false,-1,250,1,,0,0,false\n\n");
  REQUIRE(back.size() == 2);
  CHECK(back[0].id == 12);
  CHECK(back[0].label == "x\ny");
  CHECK(back[0].state == tx_state::failed);
  CHECK(back[0].start_unix_us == -1);
  CHECK(back[0].duration == std::chrono::microseconds{250});
  // "-" was any error that did not come from the server: no cause it can be named by.
  CHECK(back[0].failure_causes == std::vector<std::string>{"08006", "other"});
  CHECK(back[0].saga_id.empty());
  CHECK(back[0].error_type.empty());
  CHECK(back[0].timeout.count() == 0);
  CHECK_FALSE(back[0].internal);
  CHECK(back[1].internal);  // the reserved label tells
}

TEST_CASE("transactions_from_csv names the line, the column and the bad value", "[unit]") {
  auto fails_with = [](const std::string& text, const std::string& message) {
    REQUIRE_THROWS_MATCHES(transactions_from_csv(text), std::invalid_argument,
                           Catch::Message(message));
  };
  const std::string first =
      "1,\"multi\nline\",serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,,,false,0,,"
      "false\r\n";
  // The first record spans lines 2 and 3: the bad one starts on line 4.
  fails_with(csv_header() + first + row("COMMITED", ""),
             "line 4, column state: unknown state \"COMMITED\"");
  fails_with(csv_header() + "x" + row("COMMITTED", "").substr(1),
             "line 2, column id: not an integer in range: \"x\"");
  fails_with(csv_header() + row("FAILED", "40001;connection lost"),
             "line 2, column failure_causes: not a failure cause: \"connection lost\" (a SQLSTATE "
             "such as 40001 or a cause name such as connection_lost or deadline)");
  fails_with(csv_header() + row("FAILED", "40001;;40001"),
             "line 2, column failure_causes: not a failure cause: \"\" (a SQLSTATE such as 40001 "
             "or a cause name such as connection_lost or deadline)");
  fails_with(csv_header() + row("FAILED", "deadline", "late"),
             "line 2, column error_type: not a failure cause: \"late\" (a SQLSTATE such as 40001 "
             "or a cause name such as connection_lost or deadline)");
  fails_with(csv_header() +
                 "1,b,serializable,yes,0,10,0.00001,1,COMMITTED,,0,0,false,,,false,0,,false\r\n",
             "line 2, column read_only: expected true or false, found \"yes\"");
  fails_with(
      csv_header() + "1,b,chaos,true,0,10,0.00001,1,COMMITTED,,0,0,false,,,false,0,,false\r\n",
      "line 2, column isolation: unknown isolation \"chaos\"");
  fails_with(
      csv_header() + "1,b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,,,0,0,,false\r\n",
      "line 2, column internal: expected true or false, found \"0\"");
  fails_with(csv_header() + "1,b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0\r\n",
             "line 2: expected 19 fields, found 12");
  fails_with(csv_header() + first + "2,\"never closed,serializable\r\n",
             "line 4, column label: unterminated quoted field");
  fails_with(csv_header() + "2,a\"b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column label: a quote inside an unquoted field");
  fails_with("id,label\r\n", "line 1: missing column \"isolation\"");
  fails_with(
      "id,label,isolation,read_only,start_unix_us,duration_us,attempts,state,savepoints,"
      "rows,deduplicated\r\n",
      "line 1: missing column \"failure_causes\"");
  fails_with("", "line 1: missing header row");
}

TEST_CASE("aggregates_csv lists the application's and the library's aggregates by kind", "[unit]") {
  metrics_snapshot s;
  auto& o = s.overall;
  o.started = 10;
  o.committed = 6;
  o.rolled_back = 1;
  o.failed = 1;
  o.active = 2;
  o.retries = 3;
  o.deadlocks = 1;
  o.serialization_failures = 2;
  o.savepoints = 4;
  o.rows = 40;
  o.success_rate = 0.875;
  o.p50_seconds = 0.0125;
  o.p95_seconds = 0.0375;
  o.p99_seconds = 0.0475;
  o.latency_sum_seconds = 0.5;
  label_aggregate l;
  l.label = "a,b";
  l.agg.started = 1;
  l.agg.committed = 1;
  s.by_label.push_back(l);
  s.internal.committed = 2;
  s.internal.timed_out = 1;
  s.internal.timeout_deadline = std::chrono::milliseconds{10000};
  s.internal_by_label.push_back({"actortx.saga_log", s.internal});

  CHECK(aggregates_csv(s) ==
        "kind,label,started,finished,committed,rolled_back,failed,timed_out,in_doubt,errors,"
        "active,retries,deadlocks,serialization_failures,savepoints,rows,success_rate,"
        "p50_seconds,p95_seconds,p99_seconds,latency_sum_seconds,timeout_deadline_ms\r\n"
        "application,,10,8,6,1,1,0,0,1,2,3,1,2,4,40,0.875,0.0125,0.0375,0.0475,0.5,0\r\n"
        "application,\"a,b\",1,1,1,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0\r\n"
        "internal,,0,3,2,0,0,1,0,1,0,0,0,0,0,0,1,0,0,0,0,10000\r\n"
        "internal,actortx.saga_log,0,3,2,0,0,1,0,1,0,0,0,0,0,0,1,0,0,0,0,10000\r\n");
}
