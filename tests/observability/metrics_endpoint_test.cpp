// The dashboard's HTTP routes on running runtimes: /metrics passes promtool, counts what the
// database saw and exports every runtime of the process; the JSON and CSV routes parse back;
// unknown paths and methods are refused.
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>
#include <actortx/tx.hpp>

#include "observability/promtool_check.hpp"
#include "runtime/observability/prometheus_text.hpp"
#include "support/http_get.hpp"
#include "support/pg_test_env.hpp"
#include "support/prometheus_lines.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using actortx::test::http_get;
using actortx::test::parse_prometheus;
using actortx::test::prom_text;
using actortx::test::promtool_findings;

namespace {

constexpr int committed_n = 40;
constexpr int duplicates_n = 3;
constexpr int rollbacks_n = 2;
constexpr int other_runtime_n = 5;

/// Records reach the metrics actor after transact() returned: polls /metrics until `done`
/// holds for it (or 10 s passed) and returns the last text.
std::string wait_for_metrics(uint16_t port, const std::function<bool(const prom_text&)>& done) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  std::string text;
  while (std::chrono::steady_clock::now() < until) {
    auto r = http_get(port, "/metrics");
    REQUIRE(r.status == 200);
    text = r.body;
    if (done(parse_prometheus(text))) break;
    std::this_thread::sleep_for(50ms);
  }
  return text;
}

/// The saga the failing transactions say they work for (tx_options::saga_id).
const std::string dup_saga = "obs-saga-1";

runtime_config named_config(const test::test_schema& db, const char* name, bool dashboard) {
  auto cfg = test::test_config(db);
  cfg.observability.runtime_name = name;
  cfg.dashboard.enabled = dashboard;
  cfg.dashboard.port = 0;
  return cfg;
}

/// Runtime "obs-a" with the dashboard on a free port, and a workload of `committed_n` inserts
/// (label obs-insert), `duplicates_n` unique violations (label obs-dup, saga dup_saga) and
/// `rollbacks_n` rollbacks by the body (label obs-rollback); runtime "obs-b" in the same
/// process, without a dashboard, with `other_runtime_n` transactions of its own.
struct dashboard_fixture {
  test::test_schema db;
  runtime rt;
  std::optional<runtime> other;  // reset() stops it

  static runtime_config config(const test::test_schema& db) {
    return named_config(db, "obs-a", true);
  }

  dashboard_fixture() : rt{config(db)} {
    other.emplace(named_config(db, "obs-b", false));
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
    auto rb = rt.default_options();
    rb.label = "obs-rollback";
    for (int i = 0; i < rollbacks_n; ++i) {
      auto out = rt.transact(rb, [](tx& t) {
        t.exec("INSERT INTO obs_items VALUES (-1)");
        throw actortx::rollback{"not today"};
      });
      REQUIRE(out.state == tx_state::rolled_back);
    }
    auto b = other->default_options();
    b.label = "obs-b-read";
    for (int i = 0; i < other_runtime_n; ++i)
      REQUIRE(other->transact(b, [](tx& t) { t.exec("SELECT 1"); }).committed());
  }

  /// /metrics once every transaction of both runtimes is in it.
  std::string settled_metrics() {
    return wait_for_metrics(rt.dashboard_port(), [](const prom_text& p) {
      auto dup = p.find("db_client_operation_duration_seconds_count",
                        {{"actortx_runtime", "obs-a"}, {"db_operation_name", "obs-dup"}});
      auto b = p.find("db_client_operation_duration_seconds_count",
                      {{"actortx_runtime", "obs-b"}, {"db_operation_name", "obs-b-read"}});
      return dup.size() == 1 && dup[0].value == std::to_string(duplicates_n) && b.size() == 1 &&
             b[0].value == std::to_string(other_runtime_n);
    });
  }
};

/// The sum of `name` over the samples with labels `want`.
uint64_t sum_of(const prom_text& p, const std::string& name,
                const std::map<std::string, std::string>& want) {
  uint64_t n = 0;
  for (const auto& s : p.find(name, want)) n += std::stoull(s.value);
  return n;
}

}  // namespace

TEST_CASE("/metrics after a workload passes promtool and counts what the database saw", "[pg]") {
  dashboard_fixture f;
  REQUIRE(f.rt.dashboard_port() != 0);
  auto text = f.settled_metrics();
  INFO(text);
  CHECK(promtool_findings(text) == "");
  auto p = parse_prometheus(text);

  const auto rows = f.db.value<int>("SELECT count(*) FROM obs_items");
  REQUIRE(rows == committed_n);
  const std::map<std::string, std::string> a{{"actortx_runtime", "obs-a"}};
  const std::string h = "db_client_operation_duration_seconds";
  // One histogram observation per finished transaction of the application, none besides.
  CHECK(sum_of(p, h + "_count", a) == committed_n + duplicates_n + rollbacks_n);
  CHECK(p.value(h + "_count", {{"actortx_runtime", "obs-a"},
                               {"db_operation_name", "obs-insert"},
                               {"actortx_outcome", "committed"},
                               {"db_system_name", "postgresql"}}) == std::to_string(rows));
  CHECK(p.value(h + "_bucket", {{"actortx_runtime", "obs-a"},
                                {"db_operation_name", "obs-insert"},
                                {"le", "+Inf"}}) == std::to_string(rows));
  auto dup = p.find(h + "_count", {{"actortx_runtime", "obs-a"}, {"db_operation_name", "obs-dup"}});
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].labels.at("actortx_outcome") == "failed");
  CHECK(dup[0].labels.at("error_type") == "23505");
  CHECK(dup[0].value == std::to_string(duplicates_n));
  // A rollback by the body is an outcome of its own and no error.
  auto rb =
      p.find(h + "_count", {{"actortx_runtime", "obs-a"}, {"db_operation_name", "obs-rollback"}});
  REQUIRE(rb.size() == 1);
  CHECK(rb[0].labels.at("actortx_outcome") == "rolled_back");
  CHECK(rb[0].labels.count("error_type") == 0);
  CHECK(rb[0].value == std::to_string(rollbacks_n));

  CHECK(p.value("actortx_transaction_failed_attempts_total",
                {{"actortx_runtime", "obs-a"}, {"error_type", "23505"}}) ==
        std::to_string(duplicates_n));
  CHECK(sum_of(p, "actortx_transaction_failed_attempts_total", a) == duplicates_n);
  CHECK(p.value("actortx_transaction_rows_total",
                {{"actortx_runtime", "obs-a"}, {"db_operation_name", "obs-insert"}}) ==
        std::to_string(rows));
  CHECK(sum_of(p, "actortx_transactions_active", a) == 0);
  CHECK(p.value("db_client_connection_max", a) == "4");
  CHECK(p.value("db_client_connection_wait_time_seconds_count", a) != "0");
  CHECK(p.find("actortx_health_score", a).size() == 1);
  CHECK(p.find("actortx_build_info", a).size() == 1);
  CHECK(text.find(dup_saga) == std::string::npos);  // a saga id is never a label
  for (const auto& s : p.samples) {
    if (s.name == "actortx_exporter_source_errors_total") continue;  // the process's own
    INFO(s.name);
    CHECK(s.labels.count("db_namespace") == 1);
    for (const auto& [key, value] : s.labels) CHECK(value != "");
  }
}

TEST_CASE("/metrics of one runtime exports every runtime of the process", "[pg]") {
  dashboard_fixture f;
  auto p = parse_prometheus(f.settled_metrics());
  const std::map<std::string, std::string> b{{"actortx_runtime", "obs-b"}};
  CHECK(p.value("db_client_operation_duration_seconds_count",
                {{"actortx_runtime", "obs-b"}, {"db_operation_name", "obs-b-read"}}) ==
        std::to_string(other_runtime_n));
  CHECK(sum_of(p, "db_client_operation_duration_seconds_count", b) == other_runtime_n);
  CHECK(p.find("actortx_uptime_seconds", b).size() == 1);
  CHECK(p.find("db_client_connection_max", b).size() == 1);
  // Each runtime's own figures: obs-b ran none of obs-a's transactions.
  CHECK(p.find("db_client_operation_duration_seconds_count",
               {{"actortx_runtime", "obs-b"}, {"db_operation_name", "obs-insert"}})
            .empty());
  // A runtime that stopped is no longer exported.
  f.other.reset();
  auto after = parse_prometheus(http_get(f.rt.dashboard_port(), "/metrics").body);
  CHECK(after.find("actortx_uptime_seconds", b).empty());
  CHECK(after.find("actortx_uptime_seconds", {{"actortx_runtime", "obs-a"}}).size() == 1);
}

TEST_CASE("/metrics counts a lease that waited for the pool's only connection", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.observability.runtime_name = "obs-pool";
  cfg.dashboard.enabled = true;
  cfg.dashboard.port = 0;
  runtime rt{cfg};
  const std::map<std::string, std::string> pool{{"actortx_runtime", "obs-pool"}};
  const std::string h = "db_client_connection_wait_time_seconds";
  auto bucket = [&](const prom_text& p, const char* le) {
    auto labels = pool;
    labels["le"] = le;
    return std::stoull(p.value(h + "_bucket", labels));
  };
  // A first lease (it may wait for the connection to open), and the figures with it.
  auto opts = rt.default_options();
  opts.label = "obs-warm";
  REQUIRE(rt.transact(opts, [](tx& t) { t.exec("SELECT 1"); }).committed());
  auto before = parse_prometheus(wait_for_metrics(
      rt.dashboard_port(), [&](const prom_text& p) { return bucket(p, "+Inf") >= 1; }));

  opts.label = "obs-hold";
  auto holder = std::async(std::launch::async, [&] {
    return rt.transact(opts, [](tx& t) { t.exec("SELECT pg_sleep(0.4) /* obs-hold */"); });
  });
  // The only connection is busy once the server runs the sleep.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (db.value<int>("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                       "query LIKE '%obs-hold */' AND pid <> pg_backend_pid()") == 0) {
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(5ms);
  }
  auto wait_opts = rt.default_options();
  wait_opts.label = "obs-wait";
  REQUIRE(rt.transact(wait_opts, [](tx& t) { t.exec("SELECT 1"); }).committed());
  REQUIRE(holder.get().committed());

  auto waited = [&](const prom_text& p) { return bucket(p, "+Inf") - bucket(p, "0.1"); };
  auto text = wait_for_metrics(rt.dashboard_port(),
                               [&](const prom_text& p) { return waited(p) > waited(before); });
  INFO(text);
  auto p = parse_prometheus(text);
  // The holder found the connection idle (first bucket); the other waited for it, > 0.1 s.
  CHECK(bucket(p, "0.0001") > bucket(before, "0.0001"));
  CHECK(waited(p) >= waited(before) + 1);
  CHECK(std::stoull(p.value(h + "_count", pool)) == bucket(p, "+Inf"));
  CHECK(std::stod(p.value(h + "_sum", pool)) >= 0.1 + std::stod(before.value(h + "_sum", pool)));
  CHECK(p.value("db_client_connection_max", pool) == "1");
}

TEST_CASE("promtool accepts every kind of series of two runtimes", "[promtool]") {
  // Series a short workload does not produce: timeouts, in doubt, internal transactions,
  // sagas in every state, alerts, odd label values.
  metrics_snapshot s;
  s.identity = {"billing", "shop", "billing", "db:5432"};
  const std::pair<tx_state, const char*> outcomes[] = {{tx_state::committed, ""},
                                                       {tx_state::rolled_back, ""},
                                                       {tx_state::failed, "40P01"},
                                                       {tx_state::timeout, "deadline"},
                                                       {tx_state::in_doubt, "commit_in_doubt"}};
  for (auto [state, error] : outcomes) {
    operation_series op;
    op.operation = "a \"quoted\"\\ label\nwith newline \xFF";
    op.outcome = state;
    op.error_type = error;
    op.latency_buckets[3] = 2;
    op.latency_sum_seconds = 0.008;
    s.operations.push_back(op);
  }
  s.by_label.push_back({"transfer", {}});
  s.by_label.push_back({"(unlabelled)", {}});
  s.by_label.push_back({"other", {}});
  s.failures_by_cause = {{"40P01", 2}, {"deadline", 1}};
  s.internal_by_label.push_back({"actortx.saga_log", {}});
  s.internal_failures_by_cause = {{"connection_lost", 1}};
  s.health.components.push_back({"success", 1, 0.35});
  s.recent_alerts.push_back({"failure_rate", "", alert_level::critical, "m", 1, 1, 1700000000000});
  auto other = s;
  other.identity = {"ledger", "accounts", "", ""};
  auto text = prometheus_text(std::vector<metrics_snapshot>{s, other, s});
  INFO(text);
  CHECK(promtool_findings(text) == "");
}

TEST_CASE("the dashboard's JSON and CSV routes parse back to the workload", "[pg]") {
  dashboard_fixture f;
  const uint16_t port = f.rt.dashboard_port();
  f.settled_metrics();

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
  CHECK(report.snapshot.overall.rolled_back == rollbacks_n);
  size_t application = 0;
  for (const auto& r : report.transactions) {
    if (r.internal) continue;  // the library's own, kept apart
    ++application;
    CHECK(r.saga_id == (r.label == "obs-dup" ? dup_saga : ""));
  }
  CHECK(application == committed_n + duplicates_n + rollbacks_n);
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
      CHECK(r.failure_causes == std::vector<std::string>{"23505"});
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
