// Observability options: read from the CLI/INI, validated with messages naming key and value.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "support/config_helpers.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test;

namespace {

std::string read_problem(const string_list& args) {
  caf_config cfg;
  if (auto err = cfg.parse(args)) return caf::to_string(err);
  try {
    read_config(cfg);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("observability defaults: metrics on, dashboard off, 5-minute alert dedup", "[unit]") {
  runtime_config cfg;
  CHECK(cfg.observability.enabled);
  CHECK(cfg.observability.ring == 10000);
  CHECK_FALSE(cfg.dashboard.enabled);
  CHECK(cfg.dashboard.bind == "127.0.0.1");
  CHECK(cfg.observability.alerts.dedup == 300s);
  CHECK(cfg.observability.alerts.history == 1000);
  CHECK(problem(cfg).empty());
}

TEST_CASE("observability options are read from the command line", "[unit]") {
  auto cfg = read_args(
      {"--actortx.metrics-ring=500", "--actortx.metrics-trend-bucket=1s",
       "--actortx.alert-failure-rate-warning=0.1", "--actortx.alert-failure-rate-critical=0.5",
       "--actortx.alert-failure-window=30s", "--actortx.alert-p99-latency=2s",
       "--actortx.alert-dedup=1min", "--actortx.alert-history=20",
       "--actortx.alert-pool-waiters-max=3", "--actortx.health-latency-target=100ms",
       "--actortx.dashboard", "--actortx.dashboard-port=0", "--actortx.metrics-log-interval=0s"});
  CHECK(cfg.observability.ring == 500);
  CHECK(cfg.observability.trend_bucket == 1s);
  CHECK(cfg.observability.alerts.failure_rate_warning == Approx(0.1));
  CHECK(cfg.observability.alerts.failure_rate_critical == Approx(0.5));
  CHECK(cfg.observability.alerts.failure_window == 30s);
  CHECK(cfg.observability.alerts.p99_latency == 2000ms);
  CHECK(cfg.observability.alerts.dedup == 60s);
  CHECK(cfg.observability.alerts.history == 20);
  CHECK(cfg.observability.alerts.pool_waiters_max == 3);
  CHECK(cfg.observability.health_latency_target == 100ms);
  CHECK(cfg.dashboard.enabled);
  CHECK(cfg.dashboard.port == 0);
  CHECK(cfg.observability.log_interval == 0ms);
}

TEST_CASE("observability switches are turned off in the INI file", "[unit]") {
  char name[] = "/tmp/actortx-obs-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream{name} << "[actortx]\nmetrics=false\nalert-saga-failed=false\n"
                         "alert-commit-in-doubt=false\n";
  auto cfg = read_args({std::string{"--config-file="} + name});
  std::remove(name);
  CHECK_FALSE(cfg.observability.enabled);
  CHECK_FALSE(cfg.observability.alerts.saga_failed);
  CHECK_FALSE(cfg.observability.alerts.commit_in_doubt);
}

TEST_CASE("a dashboard port above 65535 is refused naming the key", "[unit]") {
  CHECK(read_problem({"--actortx.dashboard-port=70000"}) ==
        "actortx.dashboard-port: 70000 is invalid: a TCP port is at most 65535");
}

TEST_CASE("bad observability values are refused with key, value and reason", "[unit]") {
  runtime_config cfg;
  cfg.observability.ring = 0;
  CHECK(problem(cfg) ==
        "actortx.metrics-ring: 0 is invalid: must be between 1 and 10000000 records");
  cfg = {};
  cfg.observability.alerts.failure_rate_warning = 1.5;
  CHECK(problem(cfg) ==
        "actortx.alert-failure-rate-warning: 1.5 is invalid: a failure rate is a "
        "fraction in (0, 1]");
  cfg = {};
  cfg.observability.alerts.failure_rate_warning = 0.3;
  cfg.observability.alerts.failure_rate_critical = 0.2;
  CHECK(problem(cfg) ==
        "actortx.alert-failure-rate-critical: 0.2 is invalid: it is below "
        "actortx.alert-failure-rate-warning (0.3)");
  cfg = {};
  cfg.observability.alerts.failure_window = 5s;
  CHECK(problem(cfg) ==
        "actortx.alert-failure-window: 5s is invalid: must span at least one "
        "trend bucket (actortx.metrics-trend-bucket = 10s)");
  cfg = {};
  cfg.dashboard.enabled = true;
  cfg.observability.enabled = false;
  CHECK(problem(cfg) ==
        "actortx.dashboard: true is invalid: the dashboard shows metrics: it "
        "needs actortx.metrics = true");
  cfg = {};
  cfg.observability.health_latency_target = 0ms;
  CHECK(problem(cfg) == "actortx.health-latency-target: 0ms is invalid: must be positive");
}
