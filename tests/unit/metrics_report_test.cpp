#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <actortx/metrics_report.hpp>

using namespace actortx;
using Catch::Matchers::StartsWith;

namespace {

// Quotes, a comma, a newline, a CR, a backslash and non-ASCII text: everything a label must
// survive in JSON and CSV.
const std::string tricky =
    "pay \"now\", later\nthen\r\n\\ \xC3\xBC\xC3\xB1 \xE2\x82\xAC \xE6\xBC\xA2 \xF0\x9F\x99\x82";

tx_aggregate aggregate(uint64_t seed) {
  tx_aggregate a;
  a.started = 20 + seed;
  a.committed = 11 + seed;
  a.rolled_back = 2;
  a.failed = 3;
  a.timed_out = 1;
  a.in_doubt = 1;
  a.retries = 7;
  a.deadlocks = 2;
  a.serialization_failures = 5;
  a.savepoints = 4;
  a.rows = 12345678901234ULL;
  a.active = 2;
  for (size_t i = 0; i < a.latency_buckets.size(); ++i) a.latency_buckets[i] = i * seed + 1;
  a.latency_sum_seconds = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits
  a.p50_seconds = 1.0 / 3.0;
  a.p95_seconds = 0.0375;
  a.p99_seconds = 10.0;
  a.success_rate = 11.0 / 18.0;
  return a;
}

tx_record record(uint64_t id, const std::string& label) {
  tx_record r;
  r.id = id;
  r.label = label;
  r.iso = isolation::serializable;
  r.read_only = true;
  r.start_unix_us = 1700000000123456;
  r.duration = std::chrono::microseconds{12500};
  r.attempts = 3;
  r.state = tx_state::committed;
  r.failed_sqlstates = {"40001", ""};
  r.savepoints = 2;
  r.rows = 9;
  r.deduplicated = true;
  r.saga_id = "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2";
  return r;
}

metrics_report full_report() {
  metrics_report r;
  auto& s = r.snapshot;
  s.unix_ms = 1700000000999;
  s.uptime_seconds = 3600.25;
  s.overall = aggregate(3);
  s.by_label.push_back({"", aggregate(1)});
  s.by_label.push_back({tricky, aggregate(2)});
  s.sagas.started = 9;
  s.sagas.by_state = {1, 2, 3, 4, 5, 6};
  s.sagas.compensations = 7;
  s.sagas.recovered = 8;
  s.pool = {16, 5, 11, 2, 1000, 3, 1, 0.125};
  s.long_running = 2;
  s.failures_by_sqlstate = {{"40001", 5}, {"", 2}};
  s.trend = {{1700000000, 4, 1, 0.002, 0.3}, {1700000010, 0, 0, 0, 0}};
  s.recent_alerts.push_back(
      {"failure_rate", tricky, alert_level::critical, "50 % failed", 0.5, 0.1, 1700000000500});
  s.recent_alerts.push_back(
      {"pool", "", alert_level::info, "ok", -1.5, std::numeric_limits<double>::infinity(), 1});
  s.health.score = 73;
  s.health.components = {{"success", 0.9, 0.4}, {"latency", 1.0 / 7.0, 0.3}};
  s.health.recommendations = {"raise pool.max", tricky};

  r.transactions.push_back(record(UINT64_MAX, tricky));
  auto plain = record(2, "report");
  plain.iso = isolation::read_uncommitted;
  plain.read_only = false;
  plain.state = tx_state::in_doubt;
  plain.failed_sqlstates.clear();
  plain.start_unix_us = -5;
  plain.deduplicated = false;
  plain.saga_id.clear();  // a transaction of no saga
  r.transactions.push_back(plain);

  saga_record sg;
  sg.id = "6f1c-\"id\"";
  sg.type = tricky;
  sg.state = saga_state::compensated;
  sg.steps = 3;
  sg.steps_done = 2;
  sg.compensations = 2;
  sg.start_unix_us = 1700000000000001;
  sg.duration = std::chrono::microseconds{1234567};
  sg.recovered = true;
  sg.error = "step \"credit\" failed";
  r.sagas.push_back(sg);

  active_tx a;
  a.id = 77;
  a.label = tricky;
  a.attempt = 2;
  a.age = std::chrono::milliseconds{61234};
  a.backend_pid = 4242;
  a.statement = "SELECT 'a,b'\nFROM t";
  a.long_running = true;
  r.active.push_back(a);
  return r;
}

void check_same(const tx_aggregate& a, const tx_aggregate& b) {
  CHECK(a.started == b.started);
  CHECK(a.committed == b.committed);
  CHECK(a.rolled_back == b.rolled_back);
  CHECK(a.failed == b.failed);
  CHECK(a.timed_out == b.timed_out);
  CHECK(a.in_doubt == b.in_doubt);
  CHECK(a.retries == b.retries);
  CHECK(a.deadlocks == b.deadlocks);
  CHECK(a.serialization_failures == b.serialization_failures);
  CHECK(a.savepoints == b.savepoints);
  CHECK(a.rows == b.rows);
  CHECK(a.active == b.active);
  CHECK(a.latency_buckets == b.latency_buckets);
  CHECK(a.latency_sum_seconds == b.latency_sum_seconds);  // exact: no rounding on the way
  CHECK(a.p50_seconds == b.p50_seconds);
  CHECK(a.p95_seconds == b.p95_seconds);
  CHECK(a.p99_seconds == b.p99_seconds);
  CHECK(a.success_rate == b.success_rate);
}

void check_same(const tx_record& a, const tx_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.label == b.label);
  CHECK(a.iso == b.iso);
  CHECK(a.read_only == b.read_only);
  CHECK(a.start_unix_us == b.start_unix_us);
  CHECK(a.duration == b.duration);
  CHECK(a.attempts == b.attempts);
  CHECK(a.state == b.state);
  CHECK(a.failed_sqlstates == b.failed_sqlstates);
  CHECK(a.savepoints == b.savepoints);
  CHECK(a.rows == b.rows);
  CHECK(a.deduplicated == b.deduplicated);
  CHECK(a.saga_id == b.saga_id);
}

void check_same(const saga_record& a, const saga_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.type == b.type);
  CHECK(a.state == b.state);
  CHECK(a.steps == b.steps);
  CHECK(a.steps_done == b.steps_done);
  CHECK(a.compensations == b.compensations);
  CHECK(a.start_unix_us == b.start_unix_us);
  CHECK(a.duration == b.duration);
  CHECK(a.recovered == b.recovered);
  CHECK(a.error == b.error);
}

void check_same(const active_tx& a, const active_tx& b) {
  CHECK(a.id == b.id);
  CHECK(a.label == b.label);
  CHECK(a.attempt == b.attempt);
  CHECK(a.age == b.age);
  CHECK(a.backend_pid == b.backend_pid);
  CHECK(a.statement == b.statement);
  CHECK(a.long_running == b.long_running);
}

void check_same(const alert& a, const alert& b) {
  CHECK(a.rule == b.rule);
  CHECK(a.subject == b.subject);
  CHECK(a.level == b.level);
  CHECK(a.message == b.message);
  CHECK(a.value == b.value);
  CHECK(a.threshold == b.threshold);
  CHECK(a.unix_ms == b.unix_ms);
}

void check_same(const metrics_snapshot& a, const metrics_snapshot& b) {
  CHECK(a.unix_ms == b.unix_ms);
  CHECK(a.uptime_seconds == b.uptime_seconds);
  check_same(a.overall, b.overall);
  REQUIRE(a.by_label.size() == b.by_label.size());
  for (size_t i = 0; i < a.by_label.size(); ++i) {
    CHECK(a.by_label[i].label == b.by_label[i].label);
    check_same(a.by_label[i].agg, b.by_label[i].agg);
  }
  CHECK(a.sagas.started == b.sagas.started);
  CHECK(a.sagas.by_state == b.sagas.by_state);
  CHECK(a.sagas.compensations == b.sagas.compensations);
  CHECK(a.sagas.recovered == b.sagas.recovered);
  CHECK(a.pool.max == b.pool.max);
  CHECK(a.pool.in_use == b.pool.in_use);
  CHECK(a.pool.idle == b.pool.idle);
  CHECK(a.pool.waiting == b.pool.waiting);
  CHECK(a.pool.leases == b.pool.leases);
  CHECK(a.pool.leases_waited_over_100ms == b.pool.leases_waited_over_100ms);
  CHECK(a.pool.exhausted == b.pool.exhausted);
  CHECK(a.pool.lease_wait_sum_seconds == b.pool.lease_wait_sum_seconds);
  CHECK(a.long_running == b.long_running);
  REQUIRE(a.failures_by_sqlstate.size() == b.failures_by_sqlstate.size());
  for (size_t i = 0; i < a.failures_by_sqlstate.size(); ++i) {
    CHECK(a.failures_by_sqlstate[i].sqlstate == b.failures_by_sqlstate[i].sqlstate);
    CHECK(a.failures_by_sqlstate[i].count == b.failures_by_sqlstate[i].count);
  }
  REQUIRE(a.trend.size() == b.trend.size());
  for (size_t i = 0; i < a.trend.size(); ++i) {
    CHECK(a.trend[i].unix_s == b.trend[i].unix_s);
    CHECK(a.trend[i].committed == b.trend[i].committed);
    CHECK(a.trend[i].failed == b.trend[i].failed);
    CHECK(a.trend[i].p50_seconds == b.trend[i].p50_seconds);
    CHECK(a.trend[i].p99_seconds == b.trend[i].p99_seconds);
  }
  REQUIRE(a.recent_alerts.size() == b.recent_alerts.size());
  for (size_t i = 0; i < a.recent_alerts.size(); ++i)
    check_same(a.recent_alerts[i], b.recent_alerts[i]);
  CHECK(a.health.score == b.health.score);
  REQUIRE(a.health.components.size() == b.health.components.size());
  for (size_t i = 0; i < a.health.components.size(); ++i) {
    CHECK(a.health.components[i].name == b.health.components[i].name);
    CHECK(a.health.components[i].value == b.health.components[i].value);
    CHECK(a.health.components[i].weight == b.health.components[i].weight);
  }
  CHECK(a.health.recommendations == b.health.recommendations);
}

template <class T>
void check_all_same(const std::vector<T>& a, const std::vector<T>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) check_same(a[i], b[i]);
}

/// full_report() as JSON with one change applied, for the error tests.
template <class Edit>
std::string edited_json(Edit edit) {
  auto doc = nlohmann::json::parse(to_json(full_report()));
  edit(doc);
  return doc.dump();
}

std::string csv_header() {
  return "id,label,isolation,read_only,start_unix_us,duration_us,duration_seconds,attempts,"
         "state,failed_sqlstates,savepoints,rows,deduplicated,saga_id\r\n";
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
  CHECK(t["failed_sqlstates"] == nlohmann::json::array({"40001", ""}));
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
  CHECK(s["failures_by_sqlstate"][0] == nlohmann::json{{"sqlstate", "40001"}, {"count", 5}});
  CHECK(s["trend"][0]["unix_s"] == 1700000000);
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

TEST_CASE("transactions_csv quotes fields per RFC 4180 and joins failed SQLSTATEs with ';'",
          "[unit]") {
  auto a = record(7, "a,\"b\"");
  auto b = record(8, "two\nlines");
  b.iso = isolation::repeatable_read;
  b.read_only = false;
  b.state = tx_state::timeout;
  b.failed_sqlstates.clear();
  b.deduplicated = false;
  b.saga_id.clear();
  CHECK(transactions_csv({a, b}) ==
        csv_header() +
            "7,\"a,\"\"b\"\"\",serializable,true,1700000000123456,12500,0.0125,3,COMMITTED,"
            "40001;-,2,9,true,3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2\r\n"
            "8,\"two\nlines\",repeatable_read,false,1700000000123456,12500,0.0125,3,TIMEOUT,,2,"
            "9,false,\r\n");
  CHECK(transactions_csv({}) == csv_header());
}

TEST_CASE("transactions_from_csv parses transactions_csv back exactly", "[unit]") {
  auto full = full_report().transactions;
  auto odd = record(3, "");
  // An empty SQLSTATE alone, and texts that look like the encoding itself.
  odd.failed_sqlstates = {""};
  full.push_back(odd);
  odd.id = 4;
  odd.failed_sqlstates = {"-", "a;b%3B", "", ""};
  full.push_back(odd);
  odd.id = 5;
  odd.failed_sqlstates = {"40P01", "40P01", "40001"};
  odd.state = tx_state::rolled_back;
  odd.iso = isolation::read_committed;
  full.push_back(odd);

  const auto back = transactions_from_csv(transactions_csv(full));
  check_all_same(back, full);
}

TEST_CASE(
    "transactions_from_csv accepts LF line ends, reordered columns and missing "
    "duration_seconds and saga_id columns",
    "[unit]") {
  const auto back = transactions_from_csv(
      "state,id,label,isolation,read_only,start_unix_us,duration_us,attempts,failed_sqlstates,"
      "savepoints,rows,deduplicated\n"
      "FAILED,12,\"x\ny\",read_committed,false,-1,250,2,08006;-,0,0,false\n\n");
  REQUIRE(back.size() == 1);
  CHECK(back[0].id == 12);
  CHECK(back[0].label == "x\ny");
  CHECK(back[0].state == tx_state::failed);
  CHECK(back[0].start_unix_us == -1);
  CHECK(back[0].duration == std::chrono::microseconds{250});
  CHECK(back[0].failed_sqlstates == std::vector<std::string>{"08006", ""});
  CHECK(back[0].saga_id.empty());  // a file written before records named their saga
}

TEST_CASE("transactions_from_csv names the line and column of a bad value", "[unit]") {
  auto fails_with = [](const std::string& text, const std::string& message) {
    REQUIRE_THROWS_MATCHES(transactions_from_csv(text), std::invalid_argument,
                           Catch::Message(message));
  };
  const std::string first =
      "1,\"multi\nline\",serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n";
  // The first record spans lines 2 and 3: the bad one starts on line 4.
  fails_with(csv_header() + first + "2,b,serializable,true,0,10,0.00001,1,COMMITED,,0,0,false,\r\n",
             "line 4, column state: unknown state \"COMMITED\"");
  fails_with(csv_header() + "x,b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column id: not an integer in range: \"x\"");
  fails_with(
      csv_header() + "1,b,serializable,true,0,10,0.00001,4294967296,COMMITTED,,0,0,false,\r\n",
      "line 2, column attempts: not an integer in range: \"4294967296\"");
  fails_with(csv_header() + "1,b,serializable,yes,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column read_only: expected true or false, found \"yes\"");
  fails_with(csv_header() + "1,b,chaos,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column isolation: unknown isolation \"chaos\"");
  fails_with(
      csv_header() + "1,b,serializable,true,0,10,0.00001,1,COMMITTED,40001;%41,0,0,false,\r\n",
      "line 2, column failed_sqlstates: bad SQLSTATE entry \"%41\" (an empty one is "
      "written \"-\")");
  fails_with(csv_header() + "1,b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0\r\n",
             "line 2: expected 14 fields, found 12");
  fails_with(csv_header() + first + "2,\"never closed,serializable\r\n",
             "line 4, column label: unterminated quoted field");
  fails_with(csv_header() + "2,a\"b,serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column label: a quote inside an unquoted field");
  fails_with(csv_header() + "2,\"ab\"c,serializable,true,0,10,0.00001,1,COMMITTED,,0,0,false,\r\n",
             "line 2, column label: text after the closing quote");
  fails_with("id,label\r\n", "line 1: missing column \"isolation\"");
  fails_with("", "line 1: missing header row");
}

TEST_CASE("aggregates_csv has a header, the overall row under label \"\" and one row per label",
          "[unit]") {
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
  o.success_rate = 0.75;
  o.p50_seconds = 0.0125;
  o.p95_seconds = 0.0375;
  o.p99_seconds = 0.0475;
  o.latency_sum_seconds = 0.5;
  label_aggregate l;
  l.label = "a,b";
  l.agg.started = 1;
  l.agg.committed = 1;
  s.by_label.push_back(l);

  CHECK(aggregates_csv(s) ==
        "label,started,finished,committed,rolled_back,failed,timed_out,in_doubt,active,retries,"
        "deadlocks,serialization_failures,savepoints,rows,success_rate,p50_seconds,p95_seconds,"
        "p99_seconds,latency_sum_seconds\r\n"
        ",10,8,6,1,1,0,0,2,3,1,2,4,40,0.75,0.0125,0.0375,0.0475,0.5\r\n"
        "\"a,b\",1,1,1,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0\r\n");
}
