// The dashboard's HTTP routes on a running runtime: /metrics passes promtool and counts what
// the database saw; the JSON and CSV routes parse back; unknown paths and methods are refused.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/http_get.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using actortx::test::http_get;

namespace {

constexpr int committed_n = 40;
constexpr int duplicates_n = 3;

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

/// Records reach the metrics actor after transact() returned: polls /metrics until `line`
/// shows up (or 10 s passed) and returns the last text.
std::string wait_for_metrics_line(uint16_t port, const std::string& line) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  std::string text;
  while (std::chrono::steady_clock::now() < until) {
    auto r = http_get(port, "/metrics");
    REQUIRE(r.status == 200);
    text = r.body;
    if (has_line(text, line)) break;
    std::this_thread::sleep_for(50ms);
  }
  return text;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Runs `promtool check metrics` on `text`; returns its exit code and output.
std::pair<int, std::string> promtool_check(const std::string& text) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    FAIL("promtool not found: apt-get install prometheus (scripts/test.sh installs it)");
  const std::string base = "/tmp/actortx_metrics_" + std::to_string(::getpid());
  std::ofstream{base + ".txt"} << text;
  int rc =
      std::system(("promtool check metrics < " + base + ".txt > " + base + ".out 2>&1").c_str());
  auto output = slurp(base + ".out");
  std::remove((base + ".txt").c_str());
  std::remove((base + ".out").c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, output};
}

/// The saga the failing transactions say they work for (tx_options::saga_id).
const std::string dup_saga = "obs-saga-1";

/// A runtime with the dashboard on a free port, and a workload of `committed_n` inserts
/// (label obs-insert) and `duplicates_n` unique violations (label obs-dup, saga dup_saga).
struct dashboard_fixture {
  test::test_schema db;
  runtime rt;

  static runtime_config config(const test::test_schema& db) {
    auto cfg = test::test_config(db);
    cfg.dashboard.enabled = true;
    cfg.dashboard.port = 0;
    return cfg;
  }

  dashboard_fixture() : rt{config(db)} {
    db.exec("CREATE TABLE obs_items(id int PRIMARY KEY)");
    auto ins = rt.default_options();
    ins.label = "obs-insert";
    for (int i = 0; i < committed_n; ++i) {
      auto out = rt.transact(ins, [i](tx& t) { t.exec("INSERT INTO obs_items VALUES ($1)", i); });
      REQUIRE(out.committed());
    }
    auto dup = rt.default_options();
    dup.label = "obs-dup";
    dup.saga_id = dup_saga;
    for (int i = 0; i < duplicates_n; ++i) {
      auto out = rt.transact(dup, [](tx& t) { t.exec("INSERT INTO obs_items VALUES (0)"); });
      REQUIRE(out.state == tx_state::failed);
      REQUIRE(out.sqlstate == "23505");
    }
  }
};

}  // namespace

TEST_CASE("/metrics after a workload passes promtool and counts what the database saw", "[pg]") {
  dashboard_fixture f;
  const uint16_t port = f.rt.dashboard_port();
  REQUIRE(port != 0);
  auto text = wait_for_metrics_line(
      port, "actortx_transactions_failed_total{label=\"obs-dup\"} " + std::to_string(duplicates_n));
  INFO(text);

  auto [rc, output] = promtool_check(text);
  INFO("promtool: " << output);
  CHECK(rc == 0);

  const auto rows = f.db.value<int>("SELECT count(*) FROM obs_items");
  REQUIRE(rows == committed_n);
  const std::string n = std::to_string(rows);
  CHECK(has_line(text, "actortx_transactions_committed_total{label=\"obs-insert\"} " + n));
  CHECK(has_line(text, "actortx_transactions_started_total{label=\"obs-insert\"} " + n));
  CHECK(has_line(text, "actortx_transactions_failed_total{label=\"obs-insert\"} 0"));
  CHECK(has_line(text, "actortx_transactions_committed_total{label=\"obs-dup\"} 0"));
  CHECK(has_line(text, "actortx_transactions_failed_total{label=\"obs-dup\"} 3"));
  CHECK(has_line(text, "actortx_transaction_rows_total{label=\"obs-insert\"} " + n));
  CHECK(has_line(text, "actortx_transaction_duration_seconds_count{label=\"obs-insert\"} " + n));
  CHECK(has_line(
      text, "actortx_transaction_duration_seconds_bucket{label=\"obs-insert\",le=\"+Inf\"} " + n));
  CHECK(has_line(text, "actortx_transaction_duration_seconds_count{label=\"obs-dup\"} 3"));
  CHECK(has_line(text, "actortx_failed_attempts_total{sqlstate=\"23505\"} 3"));
  CHECK(has_line(text, "actortx_transactions_active 0"));
  CHECK(has_line(text, "actortx_pool_max_connections 4"));
  CHECK(has_line(text, "# TYPE actortx_transaction_duration_seconds histogram"));
  CHECK(text.find("\nactortx_health_score ") != std::string::npos);
  CHECK(text.find("\nactortx_uptime_seconds ") != std::string::npos);
  CHECK(text.find(dup_saga) == std::string::npos);  // a saga id is never a label
}

TEST_CASE("the dashboard's JSON and CSV routes parse back to the workload", "[pg]") {
  dashboard_fixture f;
  const uint16_t port = f.rt.dashboard_port();
  wait_for_metrics_line(port, "actortx_transactions_failed_total{label=\"obs-dup\"} 3");

  auto json = http_get(port, "/api/dashboard.json");
  REQUIRE(json.status == 200);
  CHECK(json.header("content-type") == "application/json");
  auto report = report_from_json(json.body);
  CHECK(report.snapshot.overall.committed == committed_n);
  CHECK(report.snapshot.overall.failed == duplicates_n);
  bool found = false;
  for (const auto& l : report.snapshot.by_label)
    if (l.label == "obs-insert") found = l.agg.committed == committed_n;
  CHECK(found);
  CHECK(report.transactions.size() == committed_n + duplicates_n);
  for (const auto& r : report.transactions)
    CHECK(r.saga_id == (r.label == "obs-dup" ? dup_saga : ""));
  CHECK(report.snapshot.trend.size() > 0);

  auto csv = http_get(port, "/api/transactions.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  auto records = transactions_from_csv(csv.body);
  int inserted = 0, duplicates = 0;
  for (const auto& r : records) {
    if (r.label == "obs-insert" && r.state == tx_state::committed) ++inserted;
    if (r.label == "obs-dup" && r.state == tx_state::failed) {
      ++duplicates;
      CHECK(r.failed_sqlstates == std::vector<std::string>{"23505"});
      CHECK(r.saga_id == dup_saga);
    }
  }
  CHECK(inserted == committed_n);
  CHECK(duplicates == duplicates_n);
}

TEST_CASE("the dashboard serves its page and refuses unknown paths and methods", "[pg]") {
  test::test_schema db;
  runtime rt{dashboard_fixture::config(db)};
  const uint16_t port = rt.dashboard_port();
  REQUIRE(port != 0);

  auto page = http_get(port, "/");
  CHECK(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("/api/dashboard.json") != std::string::npos);
  CHECK(http_get(port, "/nope").status == 404);
  CHECK(http_get(port, "/api/nope.json").status == 404);
  auto post = test::http_request("POST", "127.0.0.1", port, "/metrics");
  CHECK(post.status == 405);
  CHECK(http_get(port, "/metrics").status == 200);  // still serving
}

TEST_CASE("a dashboard port in use fails the runtime's start, naming it", "[pg]") {
  test::test_schema db;
  runtime first{dashboard_fixture::config(db)};
  auto cfg = dashboard_fixture::config(db);
  cfg.dashboard.port = first.dashboard_port();
  try {
    runtime second{cfg};
    FAIL("a second runtime got the dashboard port " << cfg.dashboard.port);
  } catch (const startup_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(cfg.dashboard.port)));
  }
}

TEST_CASE("the dashboard is off unless enabled", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  CHECK(rt.dashboard_port() == 0);
}
