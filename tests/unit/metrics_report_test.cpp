#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <actortx/metrics_report.hpp>

#include "report_fixture.hpp"

using namespace actortx;
using namespace actortx::test;

namespace {

/// full_report() as JSON with one change applied, for the error tests.
template <class Edit>
std::string edited_json(Edit edit) {
  auto doc = nlohmann::json::parse(to_json(full_report()));
  edit(doc);
  return doc.dump();
}

}  // namespace

TEST_CASE("to_json then report_from_json gives back every field of a report", "[unit]") {
  const auto original = full_report();
  for (int indent : {-1, 2}) {
    const auto back = report_from_json(to_json(original, indent));
    check_same(back.snapshot, original.snapshot);
    check_all_same(back.transactions, original.transactions);
    check_all_same(back.sagas, original.sagas);
    check_all_same(back.active, original.active);
  }
}

TEST_CASE("to_json writes enums by name and durations in seconds and in microseconds", "[unit]") {
  const auto doc = nlohmann::json::parse(to_json(full_report()));
  const auto& t = doc["transactions"][0];
  CHECK(t["label"] == tricky);
  CHECK(t["state"] == "COMMITTED");
  CHECK(t["isolation"] == "serializable");
  CHECK(t["duration_seconds"] == 0.0125);
  CHECK(t["duration_us"] == 12500);
  CHECK(t["failure_causes"] == nlohmann::json::array({"40001", "connection_lost"}));
  CHECK(doc["transactions"][1]["isolation"] == "read_uncommitted");
  CHECK(doc["transactions"][1]["state"] == "IN_DOUBT");
  CHECK(t["saga_id"] == "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2");
  CHECK(doc["transactions"][1]["saga_id"] == "");
  CHECK(doc["sagas"][0]["state"] == "COMPENSATED");
  CHECK(doc["sagas"][0]["duration_seconds"] == 1.234567);
  CHECK(doc["active"][0]["age_seconds"] == 61.234);
  CHECK(doc["active"][0]["age_ms"] == 61234);

  const auto& s = doc["snapshot"];
  CHECK(s["sagas"]["by_state"] == nlohmann::json{{"STARTED", 1},
                                                 {"EXECUTING", 2},
                                                 {"COMPENSATING", 3},
                                                 {"COMMITTED", 4},
                                                 {"COMPENSATED", 5},
                                                 {"FAILED", 6}});
  CHECK(s["alerts"][0]["level"] == "CRITICAL");
  CHECK(s["alerts"][1]["threshold"] == "+Inf");  // JSON has no infinity
  CHECK(s["by_label"][1]["label"] == tricky);
  CHECK(s["by_label"][1]["finished"] == 13 + 2 + 3 + 1 + 1);
  CHECK(s["overall"]["latency_buckets"][0] == nlohmann::json{{"le", 0.0005}, {"count", 1}});
  CHECK(s["overall"]["latency_buckets"][14]["le"] == "+Inf");
  CHECK(s["health"]["score"] == 73);
  CHECK(s["failures_by_cause"][0] == nlohmann::json{{"cause", "40001"}, {"count", 5}});
  CHECK(s["trend"][0]["unix_s"] == 1700000000);
}

TEST_CASE("to_json writes the shape the dashboard reads: identity, operations, trend, windows",
          "[unit]") {
  using nlohmann::json;
  const auto doc = json::parse(to_json(full_report()));
  const auto& s = doc["snapshot"];
  CHECK(s["identity"] == json{{"runtime", "bank-a"},
                              {"db_namespace", "bank"},
                              {"pool_name", "bank-a"},
                              {"server", "db.example:5432"}});
  const auto& op = s["operations"][1];
  CHECK(op["operation"] == "other");
  CHECK(op["outcome"] == "FAILED");
  CHECK(op["error_type"] == "23505");
  CHECK(op["count"] == 15 / 3 * (0 + 1 + 2));  // derived from the buckets 0,1,2,0,1,2,...
  CHECK(op["latency_buckets"][14] == json{{"le", "+Inf"}, {"count", 2}});
  // An empty trend bucket and an empty window have no percentiles: null, a gap in a chart.
  CHECK(s["trend"][0] == json{{"unix_s", 1700000000},
                              {"committed", 4},
                              {"rolled_back", 2},
                              {"failed", 1},
                              {"finished", 7},
                              {"p50_seconds", 0.002},
                              {"p99_seconds", 0.3}});
  CHECK(s["trend"][1]["finished"] == 0);
  CHECK(s["trend"][1]["p50_seconds"].is_null());
  CHECK(s["trend"][1]["p99_seconds"].is_null());
  CHECK(s["windows"][0] == json{{"seconds", 60},
                                {"finished", 0},
                                {"p50_seconds", nullptr},
                                {"p99_seconds", nullptr},
                                {"success_rate", 1.0}});
  CHECK(s["windows"][1]["p99_seconds"] == 0.3);
  // The lease-wait histogram has bounds of its own.
  CHECK(s["pool"]["lease_wait_buckets"][0] == json{{"le", 0.0001}, {"count", 100}});
  CHECK(s["pool"]["lease_wait_buckets"].size() == lease_wait_bucket_count);
  CHECK(s["pool"]["replaced"] == 4);
  CHECK(s["pool"]["connect_failures"] == 6);
  CHECK(s["overall"]["errors"] == 3 + 1 + 1);
  CHECK(s["overall"]["timeout_deadline_ms"] == 503);
  CHECK(s["internal_by_label"][0]["label"] == "actortx.saga_log");
  CHECK(s["internal_failures_by_cause"][0] == json{{"cause", "commit_in_doubt"}, {"count", 1}});
  const auto& t = doc["transactions"][1];
  CHECK(t["error_type"] == "commit_in_doubt");
  CHECK(t["internal"] == true);
  CHECK(t["timeout_ms"] == 30000);
  CHECK(doc["transactions"][0]["correlation_id"] ==
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST_CASE("report_from_json names the field with an unknown transaction state", "[unit]") {
  metrics_report r;
  for (uint64_t id = 1; id <= 4; ++id) r.transactions.push_back(record(id, "t"));
  auto doc = nlohmann::json::parse(to_json(r));
  doc["transactions"][3]["state"] = "COMMITED";
  REQUIRE_THROWS_MATCHES(report_from_json(doc.dump()), std::invalid_argument,
                         Catch::Message("transactions[3].state: unknown state \"COMMITED\""));
}

TEST_CASE("report_from_json names missing, mistyped and out-of-range fields", "[unit]") {
  using nlohmann::json;
  auto fails_with = [](const std::string& text, const std::string& message) {
    REQUIRE_THROWS_MATCHES(report_from_json(text), std::invalid_argument, Catch::Message(message));
  };
  fails_with(edited_json([](json& d) { d["snapshot"]["overall"].erase("committed"); }),
             "snapshot.overall.committed: missing");
  fails_with(edited_json([](json& d) { d["snapshot"]["by_label"][1]["retries"] = "3"; }),
             "snapshot.by_label[1].retries: expected an unsigned integer");
  fails_with(edited_json([](json& d) { d["transactions"][1]["rows"] = -1; }),
             "transactions[1].rows: must not be negative");
  fails_with(edited_json([](json& d) { d["transactions"][0]["attempts"] = 1ULL << 32; }),
             "transactions[0].attempts: out of range");
  fails_with(edited_json([](json& d) { d["transactions"][0]["isolation"] = "snapshot"; }),
             "transactions[0].isolation: unknown isolation \"snapshot\"");
  fails_with(edited_json([](json& d) { d["sagas"][0]["state"] = "DONE"; }),
             "sagas[0].state: unknown state \"DONE\"");
  fails_with(edited_json([](json& d) { d["snapshot"]["sagas"]["by_state"]["RUNNING"] = 1; }),
             "snapshot.sagas.by_state.RUNNING: unknown state \"RUNNING\"");
  fails_with(edited_json([](json& d) { d["snapshot"]["alerts"][1]["level"] = "LOUD"; }),
             "snapshot.alerts[1].level: unknown level \"LOUD\"");
  fails_with(edited_json([](json& d) { d["active"][0]["long_running"] = 1; }),
             "active[0].long_running: expected true or false");
  fails_with(edited_json([](json& d) { d["snapshot"]["trend"] = json::object(); }),
             "snapshot.trend: expected an array");
  fails_with(edited_json([](json& d) { d["transactions"][0]["failure_causes"][1] = ""; }),
             "transactions[0].failure_causes[1]: not a failure cause: \"\"");
  fails_with(edited_json([](json& d) { d["snapshot"]["operations"][0]["outcome"] = "OK"; }),
             "snapshot.operations[0].outcome: unknown state \"OK\"");
  fails_with(edited_json([](json& d) { d["snapshot"]["windows"][1]["p50_seconds"] = "fast"; }),
             "snapshot.windows[1].p50_seconds: expected a number");
  fails_with(
      edited_json([](json& d) { d["snapshot"]["pool"]["lease_wait_buckets"][0]["le"] = 0.0005; }),
      "snapshot.pool.lease_wait_buckets[0].le: unexpected bucket bound 0.0005");
  fails_with(edited_json([](json& d) { d["snapshot"]["overall"]["latency_buckets"].erase(0); }),
             "snapshot.overall.latency_buckets: expected 15 buckets, found 14");
  fails_with(
      edited_json([](json& d) { d["snapshot"]["overall"]["latency_buckets"][2]["le"] = 0.003; }),
      "snapshot.overall.latency_buckets[2].le: unexpected bucket bound 0.003");
  fails_with("[]", "document: expected an object");
  REQUIRE_THROWS_MATCHES(report_from_json("{\"snapshot\":"), std::invalid_argument,
                         Catch::Matchers::Predicate<std::invalid_argument>(
                             [](const std::invalid_argument& e) {
                               return std::string{e.what()}.rfind("not JSON: ", 0) == 0;
                             },
                             "message starts with \"not JSON: \""));
}

TEST_CASE("report_from_json reads NaN and infinities written as strings", "[unit]") {
  metrics_report r;
  r.snapshot.uptime_seconds = std::numeric_limits<double>::quiet_NaN();
  r.snapshot.pool.lease_wait_sum_seconds = -std::numeric_limits<double>::infinity();
  const auto back = report_from_json(to_json(r));
  CHECK(std::isnan(back.snapshot.uptime_seconds));
  CHECK(back.snapshot.pool.lease_wait_sum_seconds == -std::numeric_limits<double>::infinity());
}

TEST_CASE("report_from_json reads a transaction without saga_id (older reports) as of no saga",
          "[unit]") {
  const auto back = report_from_json(
      edited_json([](nlohmann::json& d) { d["transactions"][0].erase("saga_id"); }));
  REQUIRE(back.transactions.size() == 2);
  CHECK(back.transactions[0].saga_id.empty());
  CHECK(back.transactions[0].label == tricky);  // the rest of the record is read as before
  REQUIRE_THROWS_MATCHES(
      report_from_json(edited_json([](nlohmann::json& d) { d["transactions"][0]["saga_id"] = 7; })),
      std::invalid_argument, Catch::Message("transactions[0].saga_id: expected a string"));
}

namespace {

/// full_report()'s JSON as the version before failure causes, operations, windows and the
/// internal figures wrote it.
std::string older_report_json() {
  return edited_json([](nlohmann::json& d) {
    auto& s = d["snapshot"];
    for (const char* k : {"identity", "operations", "windows", "open_alerts", "internal",
                          "internal_by_label", "internal_failures_by_cause"})
      s.erase(k);
    s["failures_by_sqlstate"] = nlohmann::json::array({{{"sqlstate", ""}, {"count", 2}}});
    s.erase("failures_by_cause");
    for (auto& p : s["trend"]) {
      p.erase("rolled_back");
      p.erase("finished");
      if (p["p50_seconds"].is_null()) p["p50_seconds"] = p["p99_seconds"] = 0;
    }
    for (const char* k : {"lease_wait_buckets", "replaced", "connect_failures"}) s["pool"].erase(k);
    s["overall"].erase("errors");
    s["overall"].erase("timeout_deadline_ms");
    for (auto& t : d["transactions"]) {
      t["failed_sqlstates"] = nlohmann::json::array({"40001", ""});
      for (const char* k :
           {"failure_causes", "error_type", "internal", "timeout_ms", "correlation_id"})
        t.erase(k);
    }
  });
}

}  // namespace

TEST_CASE("report_from_json reads an older report, the members added since at their defaults",
          "[unit]") {
  const auto back = report_from_json(older_report_json());
  const auto& s = back.snapshot;
  CHECK(s.identity.runtime.empty());
  CHECK(s.operations.empty());
  CHECK(s.windows.empty());
  CHECK(s.internal.finished() == 0);
  CHECK(s.internal_by_label.empty());
  CHECK(s.overall.timeout_deadline.count() == 0);
  CHECK(s.overall.committed == 14);  // the rest reads as before
  // An older report's "" (any error not from the server) is no cause: it reads as "other".
  REQUIRE(s.failures_by_cause.size() == 1);
  CHECK(s.failures_by_cause[0].cause == "other");
  CHECK(s.trend[0].rolled_back == 0);
  CHECK(s.trend[0].failed == 1);
  CHECK(s.pool.lease_wait_buckets == std::vector<uint64_t>(lease_wait_bucket_count, 0));
  REQUIRE(back.transactions.size() == 2);
  CHECK(back.transactions[0].failure_causes == std::vector<std::string>{"40001", "other"});
  CHECK(back.transactions[0].error_type.empty());
  CHECK(back.transactions[0].timeout.count() == 0);
  CHECK_FALSE(back.transactions[0].internal);
  CHECK(back.transactions[1].internal);  // its label is actortx.saga_log
}
