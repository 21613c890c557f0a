// The observability part of runtime_config: read from the settings and validated (keys
// actortx.metrics, metrics-ring, metrics-log-interval, metrics-trend-bucket, metrics-max-labels,
// actortx.alert-*, actortx.health-*, actortx.runtime-name). The HTTP parts: endpoint_config.cpp.
#include <limits>

#include "runtime/config/config_value.hpp"
#include "runtime/config/readers.hpp"

namespace actortx {

using config_detail::ms_text;
using config_detail::read;
using config_detail::seconds_text;
using config_detail::to_ms;

namespace {

constexpr size_t max_runtime_name = 128;

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

std::chrono::seconds to_seconds(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::seconds>(x);
}

/// A count that must fit a uint32_t member; checked before narrowing, which would wrap.
caf::optional<uint32_t> read_u32(const caf::settings& c, const char* key) {
  auto x = read<size_t>(c, key, "a count");
  if (!x) return caf::none;
  if (*x > std::numeric_limits<uint32_t>::max())
    throw config_error(key, std::to_string(*x), "too large");
  return static_cast<uint32_t>(*x);
}

void read_alerts(const caf::settings& c, alert_rules& a) {
  if (auto x = read<double>(c, "actortx.alert-failure-rate-warning", "a number"))
    a.failure_rate_warning = *x;
  if (auto x = read<double>(c, "actortx.alert-failure-rate-critical", "a number"))
    a.failure_rate_critical = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-failure-window", "a duration"))
    a.failure_window = to_seconds(*x);
  if (auto x = read<size_t>(c, "actortx.alert-failure-min-finished", "a count"))
    a.failure_min_finished = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-p99-latency", "a duration"))
    a.p99_latency = to_ms(*x);
  if (auto x = read_u32(c, "actortx.alert-long-running-max")) a.long_running_max = *x;
  if (auto x = read_u32(c, "actortx.alert-pool-waiters-max")) a.pool_waiters_max = *x;
  if (auto x = read<bool>(c, "actortx.alert-saga-failed", "true or false")) a.saga_failed = *x;
  if (auto x = read<bool>(c, "actortx.alert-commit-in-doubt", "true or false"))
    a.commit_in_doubt = *x;
  if (auto x = read<caf::timespan>(c, "actortx.alert-dedup", "a duration"))
    a.dedup = to_seconds(*x);
  if (auto x = read<size_t>(c, "actortx.alert-history", "a count")) a.history = *x;
}

void validate_alerts(const alert_rules& a, std::chrono::seconds trend_bucket) {
  check_rate("actortx.alert-failure-rate-warning", a.failure_rate_warning);
  check_rate("actortx.alert-failure-rate-critical", a.failure_rate_critical);
  if (a.failure_rate_critical < a.failure_rate_warning)
    throw config_error("actortx.alert-failure-rate-critical", number_text(a.failure_rate_critical),
                       "it is below actortx.alert-failure-rate-warning (" +
                           number_text(a.failure_rate_warning) + ")");
  if (a.failure_window < trend_bucket)
    throw config_error("actortx.alert-failure-window", seconds_text(a.failure_window),
                       "must span at least one trend bucket (actortx.metrics-trend-bucket = " +
                           seconds_text(trend_bucket) + ")");
  if (a.p99_latency.count() < 0)
    throw config_error("actortx.alert-p99-latency", ms_text(a.p99_latency),
                       "must not be negative (0 turns the rule off)");
  if (a.dedup.count() < 0)
    throw config_error("actortx.alert-dedup", seconds_text(a.dedup), "must not be negative");
  if (a.history == 0) throw config_error("actortx.alert-history", "0", "keep at least one alert");
}

/// It is a label value on every series and a word in log lines: one line, of bounded length.
void check_runtime_name(const std::string& name) {
  if (name.size() > max_runtime_name)
    throw config_error("actortx.runtime-name", name,
                       "must be at most " + std::to_string(max_runtime_name) + " bytes");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < ' ' || c == '\x7f')
      throw config_error("actortx.runtime-name", name, "control characters are not allowed");
  }
}

}  // namespace

void observability_config::validate() const {
  if (ring == 0 || ring > 10'000'000)
    throw config_error("actortx.metrics-ring", std::to_string(ring),
                       "must be between 1 and 10000000 records");
  if (log_interval.count() < 0)
    throw config_error("actortx.metrics-log-interval", ms_text(log_interval),
                       "must not be negative (0 turns the summary line off)");
  if (trend_bucket < std::chrono::seconds(1) || trend_bucket > std::chrono::hours(1))
    throw config_error("actortx.metrics-trend-bucket", seconds_text(trend_bucket),
                       "must be between 1s and 1h");
  validate_alerts(alerts, trend_bucket);
  if (health_latency_target.count() <= 0)
    throw config_error("actortx.health-latency-target", ms_text(health_latency_target),
                       "must be positive");
  if (max_labels < 1 || max_labels > 10000)
    throw config_error("actortx.metrics-max-labels", std::to_string(max_labels),
                       "must be between 1 and 10000 labels");
  check_runtime_name(runtime_name);
}

namespace config_detail {

void read_observability(const caf::settings& c, observability_config& out) {
  if (auto x = read<bool>(c, "actortx.metrics", "true or false")) out.enabled = *x;
  if (auto x = read<size_t>(c, "actortx.metrics-ring", "a count")) out.ring = *x;
  if (auto x = read<caf::timespan>(c, "actortx.metrics-log-interval", "a duration"))
    out.log_interval = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.metrics-trend-bucket", "a duration"))
    out.trend_bucket = to_seconds(*x);
  read_alerts(c, out.alerts);
  if (auto x = read<caf::timespan>(c, "actortx.health-latency-target", "a duration"))
    out.health_latency_target = to_ms(*x);
  if (auto x = read<std::string>(c, "actortx.runtime-name", "a string")) out.runtime_name = *x;
  if (auto x = read<size_t>(c, "actortx.metrics-max-labels", "a count")) out.max_labels = *x;
}

}  // namespace config_detail

}  // namespace actortx
