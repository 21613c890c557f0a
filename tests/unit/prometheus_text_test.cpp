#include "runtime/observability/prometheus_text.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/prometheus_lines.hpp"
#include "unit/prometheus_snapshots.hpp"

using namespace actortx;
using actortx::test::all_families;
using actortx::test::billing;
using actortx::test::operation;
using actortx::test::parse_prometheus;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

size_t count_lines(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  size_t n = 0;
  for (std::string l; std::getline(in, l);) n += l == line;
  return n;
}

}  // namespace

TEST_CASE("prometheus_text writes the operation histogram with OpenTelemetry labels", "[unit]") {
  auto text = prometheus_text(billing());
  const std::string committed =
      "db_client_operation_duration_seconds_bucket{actortx_runtime=\"billing\","
      "db_namespace=\"shop\",db_system_name=\"postgresql\",db_operation_name=\"transfer\","
      "actortx_outcome=\"committed\",le=";
  CHECK(has_line(text, "# TYPE db_client_operation_duration_seconds histogram"));
  CHECK(has_line(text, committed + "\"0.0005\"} 2"));
  CHECK(has_line(text, committed + "\"0.001\"} 2"));
  CHECK(has_line(text, committed + "\"0.0025\"} 5"));
  CHECK(has_line(text, committed + "\"0.1\"} 5"));
  CHECK(has_line(text, committed + "\"0.25\"} 6"));
  CHECK(has_line(text, committed + "\"10\"} 6"));
  CHECK(has_line(text, committed + "\"+Inf\"} 6"));

  auto p = parse_prometheus(text);
  const std::map<std::string, std::string> ok{{"db_operation_name", "transfer"},
                                              {"actortx_outcome", "committed"}};
  CHECK(p.find("db_client_operation_duration_seconds_bucket", ok).size() == latency_bucket_count);
  CHECK(p.value("db_client_operation_duration_seconds_sum", ok) == "0.2095");
  CHECK(p.value("db_client_operation_duration_seconds_count", ok) == "6");
  // A rollback by the body is an outcome, not an error: no error_type.
  auto rolled_back =
      p.find("db_client_operation_duration_seconds_count", {{"actortx_outcome", "rolled_back"}});
  REQUIRE(rolled_back.size() == 1);
  CHECK(rolled_back[0].labels.count("error_type") == 0);
  CHECK(rolled_back[0].value == "1");
  CHECK(p.value("db_client_operation_duration_seconds_count",
                {{"actortx_outcome", "failed"}, {"error_type", "40P01"}}) == "1");
  CHECK(p.find("db_client_operation_duration_seconds_count").size() == 3);
}

TEST_CASE("prometheus_text writes the pool as OpenTelemetry connection metrics", "[unit]") {
  auto p = parse_prometheus(prometheus_text(billing()));
  const std::map<std::string, std::string> pool{{"db_client_connection_pool_name", "billing"}};
  CHECK(p.value("db_client_connection_count", {{"db_client_connection_state", "idle"},
                                               {"db_client_connection_pool_name", "billing"}}) ==
        "3");
  CHECK(p.value("db_client_connection_count", {{"db_client_connection_state", "used"}}) == "5");
  CHECK(p.value("db_client_connection_max", pool) == "8");
  CHECK(p.value("db_client_connection_pending_requests", pool) == "2");
  CHECK(p.type_of("db_client_connection_wait_time_seconds") == "histogram");
  const auto b = "db_client_connection_wait_time_seconds_bucket";
  CHECK(p.find(b).size() == lease_wait_bucket_count);
  CHECK(p.value(b, {{"le", "0.0001"}}) == "90");
  CHECK(p.value(b, {{"le", "0.001"}}) == "90");
  CHECK(p.value(b, {{"le", "0.005"}}) == "98");
  CHECK(p.value(b, {{"le", "0.25"}}) == "100");
  CHECK(p.value(b, {{"le", "+Inf"}}) == "100");
  CHECK(p.value("db_client_connection_wait_time_seconds_count", pool) == "100");
  CHECK(p.value("db_client_connection_wait_time_seconds_sum", pool) == "0.4");
  CHECK(p.value("actortx_pool_exhausted_total") == "1");
  CHECK(p.value("actortx_pool_connections_replaced_total") == "2");
  CHECK(p.value("actortx_pool_connect_failures_total") == "3");
  CHECK(p.value("actortx_pool_connections_retired_total") == "4");
  CHECK(p.value("actortx_pool_session_resets_total") == "5");
}

TEST_CASE("prometheus_text writes actortx counters with the operation or cause as label",
          "[unit]") {
  auto p = parse_prometheus(prometheus_text(billing()));
  const std::map<std::string, std::string> transfer{{"db_operation_name", "transfer"}};
  CHECK(p.value("actortx_transactions_active", transfer) == "2");
  CHECK(p.value("actortx_transaction_retries_total", transfer) == "4");
  CHECK(p.value("actortx_transaction_savepoints_total", transfer) == "2");
  CHECK(p.value("actortx_transaction_rows_total", transfer) == "18");
  CHECK(p.value("actortx_transaction_failed_attempts_total", {{"error_type", "40P01"}}) == "3");
  CHECK(p.value("actortx_transaction_failed_attempts_total", {{"error_type", "connection_lost"}}) ==
        "1");
  CHECK(p.value("actortx_long_running_transactions") == "1");
  // Outcomes are a label of one family, never a family each.
  for (const auto& [family, type] : p.types) {
    INFO(family);
    CHECK(family.find("committed") == std::string::npos);
    CHECK(family.find("failed_total") == std::string::npos);
  }
}

TEST_CASE("prometheus_text keeps the library's internal transactions in their own series",
          "[unit]") {
  auto p = parse_prometheus(prometheus_text(billing()));
  const std::map<std::string, std::string> saga_log{{"db_operation_name", "actortx.saga_log"}};
  auto internal = p.find("actortx_internal_transactions_total", saga_log);
  CHECK(internal.size() == 5);  // every outcome
  auto with = [&](const char* outcome) {
    auto labels = saga_log;
    labels["actortx_outcome"] = outcome;
    return p.value("actortx_internal_transactions_total", labels);
  };
  CHECK(with("committed") == "10");
  CHECK(with("failed") == "1");
  CHECK(with("in_doubt") == "0");
  CHECK(p.value("actortx_internal_failed_attempts_total", {{"error_type", "connection_lost"}}) ==
        "1");
  for (const auto& s : p.samples) {
    if (s.name.rfind("actortx_internal_", 0) == 0) continue;
    auto op = s.labels.find("db_operation_name");
    if (op != s.labels.end()) CHECK(op->second != "actortx.saga_log");
  }
}

TEST_CASE("prometheus_text writes sagas, health, alerts, uptime and build info", "[unit]") {
  auto p = parse_prometheus(prometheus_text(billing()));
  CHECK(p.value("actortx_sagas_started_total") == "7");
  CHECK(p.value("actortx_sagas_total", {{"actortx_outcome", "committed"}}) == "4");
  CHECK(p.value("actortx_sagas_total", {{"actortx_outcome", "compensated"}}) == "2");
  CHECK(p.value("actortx_sagas_total", {{"actortx_outcome", "failed"}}) == "0");
  CHECK(p.find("actortx_sagas_total").size() == 3);  // final states only
  CHECK(p.value("actortx_sagas_active", {{"saga_state", "executing"}}) == "1");
  CHECK(p.value("actortx_sagas_active", {{"saga_state", "started"}}) == "0");
  CHECK(p.find("actortx_sagas_active").size() == 3);
  CHECK(p.value("actortx_saga_compensations_total") == "3");
  CHECK(p.value("actortx_sagas_recovered_total") == "1");
  CHECK(p.value("actortx_health_score") == "87");
  CHECK(p.value("actortx_health_component_ratio", {{"component", "success"}}) == "0.95");
  CHECK(p.value("actortx_alerts_open") == "2");
  // The newest alert of each level, as a Unix time in seconds.
  CHECK(p.value("actortx_last_alert_timestamp_seconds", {{"level", "critical"}}) == "1700000002.5");
  CHECK(p.value("actortx_last_alert_timestamp_seconds", {{"level", "warning"}}) == "1700000001");
  CHECK(p.find("actortx_last_alert_timestamp_seconds").size() == 2);
  CHECK(p.value("actortx_uptime_seconds") == "12.5");
  auto build = p.find("actortx_build_info");
  REQUIRE(build.size() == 1);
  CHECK(build[0].value == "1");
  CHECK(build[0].labels.at("caf_version") == "0.17.6");
  CHECK(!build[0].labels.at("version").empty());
  CHECK(build[0].labels.at("libpqxx_version").rfind("6.", 0) == 0);
}

TEST_CASE("prometheus_text escapes label values and replaces bytes that are not UTF-8", "[unit]") {
  auto s = billing();
  s.by_label[0].label = "a\\b \"quoted\"\nnext";
  s.operations = {operation("caf\xC3\xA9 \xFF\xC3", tx_state::committed, "")};
  auto text = prometheus_text(s);

  CHECK(has_line(text,
                 "actortx_transaction_rows_total{actortx_runtime=\"billing\",db_namespace=\"shop\","
                 "db_operation_name=\"a\\\\b \\\"quoted\\\"\\nnext\"} 18"));
  auto p = parse_prometheus(text);
  CHECK(p.value("actortx_transaction_rows_total",
                {{"db_operation_name", "a\\b \"quoted\"\nnext"}}) == "18");
  // Valid UTF-8 stays, a stray byte and a cut sequence become U+FFFD each.
  CHECK(p.find("db_client_operation_duration_seconds_count",
               {{"db_operation_name", "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD"}})
            .size() == 1);
  // No raw newline inside a sample: every line is a comment or a sample.
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    CHECK((line.rfind("actortx_", 0) == 0 || line.rfind("db_client_", 0) == 0 ||
           line.rfind("# ", 0) == 0));
  }
  CHECK(prometheus_escape_label("plain") == "plain");
  CHECK(prometheus_escape_label("\\\"\n") == "\\\\\\\"\\n");
  CHECK(prometheus_escape_label("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(prometheus_escape_label("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
}

TEST_CASE("prometheus_text writes no empty label value", "[unit]") {
  auto s = billing();
  s.identity = {};  // a snapshot from a runtime that did not say who it is
  s.by_label[0].label = "";
  s.operations = {operation("", tx_state::timeout, "deadline")};
  s.failures_by_cause = {{"", 1}};
  auto p = parse_prometheus(prometheus_text(s));
  for (const auto& sample : p.samples) {
    for (const auto& [key, value] : sample.labels) {
      INFO(sample.name << " " << key);
      CHECK(!value.empty());
    }
  }
  CHECK(p.value("actortx_uptime_seconds",
                {{"actortx_runtime", "unknown"}, {"db_namespace", "unknown"}}) == "12.5");
  CHECK(p.value("db_client_operation_duration_seconds_count",
                {{"db_operation_name", "(unlabelled)"}, {"actortx_outcome", "timeout"}}) == "0");
  CHECK(p.value("actortx_transaction_failed_attempts_total", {{"error_type", "other"}}) == "1");
}

TEST_CASE("prometheus_text has every family before any traffic", "[unit]") {
  metrics_snapshot s;  // a fresh runtime
  s.identity = {"fresh", "shop", "fresh", ""};
  auto text = prometheus_text(s);
  auto p = parse_prometheus(text);
  for (const auto& family : all_families) {
    INFO(family);
    CHECK(count_lines(text, "# TYPE " + family + " " + p.type_of(family).value_or("?")) == 1);
    CHECK(std::count(p.helps.begin(), p.helps.end(), family) == 1);
  }
  CHECK(p.types.size() == all_families.size());
  // Series without labels of their own read 0 from the first scrape on.
  CHECK(p.value("actortx_pool_exhausted_total") == "0");
  CHECK(p.value("actortx_sagas_started_total") == "0");
  CHECK(p.value("actortx_long_running_transactions") == "0");
  CHECK(p.value("db_client_connection_wait_time_seconds_count") == "0");
  CHECK(p.value("db_client_connection_count", {{"db_client_connection_state", "used"}}) == "0");
  CHECK(p.find("db_client_operation_duration_seconds_count").empty());
}

TEST_CASE("prometheus_text of two runtimes writes each family once with both runtimes", "[unit]") {
  auto a = billing();
  auto b = billing();
  b.identity = {"ledger", "accounts", "ledger", ""};
  b.pool.max = 4;
  auto text = prometheus_text(std::vector<metrics_snapshot>{a, b});
  auto p = parse_prometheus(text);
  CHECK(p.types.size() == all_families.size());
  for (const auto& family : all_families) {
    INFO(family);
    CHECK(count_lines(text, "# TYPE " + family + " " + p.type_of(family).value_or("?")) == 1);
  }
  CHECK(p.value("db_client_connection_max", {{"actortx_runtime", "billing"}}) == "8");
  CHECK(p.value("db_client_connection_max",
                {{"actortx_runtime", "ledger"}, {"db_namespace", "accounts"}}) == "4");
  CHECK(p.find("db_client_operation_duration_seconds_count").size() == 6);
  CHECK(p.find("actortx_build_info").size() == 2);
  // One series per runtime in every family that has a series: none lost, none doubled.
  std::set<std::string> runtimes;
  for (const auto& s : p.samples) runtimes.insert(s.labels.at("actortx_runtime"));
  CHECK(runtimes == std::set<std::string>{"billing", "ledger"});
}

TEST_CASE("prometheus_text tells runtimes with the same identity apart", "[unit]") {
  auto text = prometheus_text(std::vector<metrics_snapshot>{billing(), billing(), billing()});
  auto p = parse_prometheus(text);
  CHECK(p.find("actortx_uptime_seconds").size() == 3);
  CHECK(p.value("actortx_uptime_seconds", {{"actortx_runtime", "billing"}}) == "12.5");
  CHECK(p.value("actortx_uptime_seconds", {{"actortx_runtime", "billing#2"}}) == "12.5");
  CHECK(p.value("actortx_uptime_seconds", {{"actortx_runtime", "billing#3"}}) == "12.5");
}

TEST_CASE("prometheus_text keeps every sample within its family", "[unit]") {
  auto a = billing();
  auto b = billing();
  b.identity.runtime = "ledger";
  auto text = prometheus_text(std::vector<metrics_snapshot>{a, b});
  // What promtool checks too: a sample follows its own family's TYPE line, and a histogram's
  // samples are its _bucket, _sum and _count.
  std::istringstream in{text};
  std::string family, type;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t{line.substr(7)};
      t >> family >> type;
      continue;
    }
    if (line[0] == '#') continue;
    auto name = line.substr(0, line.find_first_of("{ "));
    INFO(line);
    if (type == "histogram") {
      CHECK((name == family + "_bucket" || name == family + "_sum" || name == family + "_count"));
    } else {
      CHECK(name == family);
    }
  }
}

TEST_CASE("prometheus_number writes the shortest exact text", "[unit]") {
  CHECK(prometheus_number(0.0005) == "0.0005");
  CHECK(prometheus_number(2.5) == "2.5");
  CHECK(prometheus_number(10) == "10");
  CHECK(prometheus_number(0.1 + 0.2) == "0.30000000000000004");
  constexpr double inf = std::numeric_limits<double>::infinity();
  CHECK(prometheus_number(inf) == "+Inf");
  CHECK(prometheus_number(-inf) == "-Inf");
  CHECK(prometheus_number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}
