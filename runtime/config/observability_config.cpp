#include "runtime/config/observability_config.hpp"

#include <limits>

#include <caf/config_option_adder.hpp>

#include "runtime/config/config_value.hpp"

namespace actortx {

using config_detail::ms_text;
using config_detail::read;
using config_detail::to_ms;

namespace {

std::string seconds_text(std::chrono::seconds d) {
  return std::to_string(d.count()) + "s";
}

std::string number_text(double x) {
  auto s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void check_rate(const char* key, double x) {
  if (!(x > 0 && x <= 1))
    throw config_error(key, number_text(x), "a failure rate is a fraction in (0, 1]");
}

}  // namespace

void add_observability_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "actortx"}
      .add<bool>("metrics", "keep metrics, alerts and the health score (default true)")
      .add<size_t>("metrics-ring", "recent transaction records kept (default 10000)")
      .add<caf::timespan>("metrics-log-interval", "summary log line every (default 60s, 0 = off)")
      .add<caf::timespan>("metrics-trend-bucket", "width of a trend point (default 10s)")
      .add<double>("alert-failure-rate-warning", "WARNING above this failure rate (0.05)")
      .add<double>("alert-failure-rate-critical", "CRITICAL above this failure rate (0.25)")
      .add<caf::timespan>("alert-failure-window", "window of the failure-rate rule (60s)")
      .add<size_t>("alert-failure-min-finished", "finished needed to judge the rate (20)")
      .add<caf::timespan>("alert-p99-latency", "WARNING above this p99 (1s, 0 = off)")
      .add<size_t>("alert-long-running-max", "WARNING above this many long-running (0)")
      .add<size_t>("alert-pool-waiters-max", "WARNING above this many lease waiters (8)")
      .add<bool>("alert-saga-failed", "CRITICAL when a saga ends FAILED (true)")
      .add<bool>("alert-commit-in-doubt", "ERROR when a commit is in doubt (true)")
      .add<caf::timespan>("alert-dedup", "same alert not raised again within (5min)")
      .add<size_t>("alert-history", "alerts kept (1000)")
      .add<caf::timespan>("health-latency-target", "p99 that scores full marks (250ms)")
      .add<bool>("dashboard", "serve the live dashboard and /metrics (default false)")
      .add<std::string>("dashboard-bind", "address of the dashboard (default 127.0.0.1)")
      .add<size_t>("dashboard-port", "port of the dashboard, 0 = any free (default 8090)");
}

void read_observability(const caf::settings& c, runtime_config& out) {
  if (auto x = read<bool>(c, "actortx.metrics", "true or false")) out.metrics_enabled = *x;
  if (auto x = read<size_t>(c, "actortx.metrics-ring", "a count")) out.metrics_ring = *x;
  if (auto x = read<caf::timespan>(c, "actortx.metrics-log-interval", "a duration"))
    out.metrics_log_interval = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.metrics-trend-bucket", "a duration"))
    out.metrics_trend_bucket = std::chrono::duration_cast<std::chrono::seconds>(*x);
  auto& a = out.alerts;
  if (auto x = read<double>(c, "actortx.alert-failure-rate-warning", "a number"))
    a.failure_rate_warning = *x;
  if (auto x = read<double>(c, "actortx.alert-failure-rate-critical", "a number"))
    a.failure_rate_critical = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-failure-window", "a duration"))
    a.failure_window = std::chrono::duration_cast<std::chrono::seconds>(*x);
  if (auto x = read<size_t>(c, "actortx.alert-failure-min-finished", "a count"))
    a.failure_min_finished = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-p99-latency", "a duration"))
    a.p99_latency = to_ms(*x);
  if (auto x = read<size_t>(c, "actortx.alert-long-running-max", "a count")) {
    if (*x > std::numeric_limits<uint32_t>::max())
      throw config_error("actortx.alert-long-running-max", std::to_string(*x), "too large");
    a.long_running_max = static_cast<uint32_t>(*x);
  }
  if (auto x = read<size_t>(c, "actortx.alert-pool-waiters-max", "a count")) {
    if (*x > std::numeric_limits<uint32_t>::max())
      throw config_error("actortx.alert-pool-waiters-max", std::to_string(*x), "too large");
    a.pool_waiters_max = static_cast<uint32_t>(*x);
  }
  if (auto x = read<bool>(c, "actortx.alert-saga-failed", "true or false")) a.saga_failed = *x;
  if (auto x = read<bool>(c, "actortx.alert-commit-in-doubt", "true or false"))
    a.commit_in_doubt = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-dedup", "a duration"))
    a.dedup = std::chrono::duration_cast<std::chrono::seconds>(*x);
  if (auto x = read<size_t>(c, "actortx.alert-history", "a count")) a.history = *x;
  if (auto x = read<caf::timespan>(c, "actortx.health-latency-target", "a duration"))
    out.health_latency_target = to_ms(*x);
  if (auto x = read<bool>(c, "actortx.dashboard", "true or false")) out.dashboard_enabled = *x;
  if (auto x = read<std::string>(c, "actortx.dashboard-bind", "a string")) out.dashboard_bind = *x;
  if (auto x = read<size_t>(c, "actortx.dashboard-port", "a port number")) {
    if (*x > 65535)
      throw config_error("actortx.dashboard-port", std::to_string(*x),
                         "a TCP port is at most 65535");
    out.dashboard_port = static_cast<uint16_t>(*x);
  }
}

void validate_observability(const runtime_config& cfg) {
  if (cfg.metrics_ring == 0 || cfg.metrics_ring > 10'000'000)
    throw config_error("actortx.metrics-ring", std::to_string(cfg.metrics_ring),
                       "must be between 1 and 10000000 records");
  if (cfg.metrics_log_interval.count() < 0)
    throw config_error("actortx.metrics-log-interval", ms_text(cfg.metrics_log_interval),
                       "must not be negative (0 turns the summary line off)");
  if (cfg.metrics_trend_bucket < std::chrono::seconds(1) ||
      cfg.metrics_trend_bucket > std::chrono::hours(1))
    throw config_error("actortx.metrics-trend-bucket", seconds_text(cfg.metrics_trend_bucket),
                       "must be between 1s and 1h");
  const auto& a = cfg.alerts;
  check_rate("actortx.alert-failure-rate-warning", a.failure_rate_warning);
  check_rate("actortx.alert-failure-rate-critical", a.failure_rate_critical);
  if (a.failure_rate_critical < a.failure_rate_warning)
    throw config_error("actortx.alert-failure-rate-critical", number_text(a.failure_rate_critical),
                       "it is below actortx.alert-failure-rate-warning (" +
                           number_text(a.failure_rate_warning) + ")");
  if (a.failure_window < cfg.metrics_trend_bucket)
    throw config_error("actortx.alert-failure-window", seconds_text(a.failure_window),
                       "must span at least one trend bucket (actortx.metrics-trend-bucket = " +
                           seconds_text(cfg.metrics_trend_bucket) + ")");
  if (a.p99_latency.count() < 0)
    throw config_error("actortx.alert-p99-latency", ms_text(a.p99_latency),
                       "must not be negative (0 turns the rule off)");
  if (a.dedup.count() < 0)
    throw config_error("actortx.alert-dedup", seconds_text(a.dedup), "must not be negative");
  if (a.history == 0) throw config_error("actortx.alert-history", "0", "keep at least one alert");
  if (cfg.health_latency_target.count() <= 0)
    throw config_error("actortx.health-latency-target", ms_text(cfg.health_latency_target),
                       "must be positive");
  if (cfg.dashboard_enabled && !cfg.metrics_enabled)
    throw config_error("actortx.dashboard", "true",
                       "the dashboard shows metrics: it needs actortx.metrics = true");
  if (cfg.dashboard_enabled && cfg.dashboard_bind.empty())
    throw config_error("actortx.dashboard-bind", "", "give an address such as 127.0.0.1");
}

}  // namespace actortx
