// validate() of the pool, transaction, statement and saga parts, and of runtime_config as a
// whole. Messages keep the shape "<key>: <value> is invalid: <why>".
#include <cctype>
#include <string>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime_config.hpp>

#include "runtime/config/config_value.hpp"
#include "runtime/policy/retry_policy.hpp"

namespace actortx {

using config_detail::check_range;
using config_detail::ms_text;
using std::chrono::milliseconds;

namespace {

constexpr const char* log_level_names = "trace, debug, info, warn, error, critical, off";

/// Config key of each retry_policy member, for messages about the retry-* options.
std::string retry_key(const std::string& member) {
  if (member == "initial_delay") return "actortx.retry-initial-delay";
  if (member == "max_delay") return "actortx.retry-max-delay";
  if (member == "max_retries") return "actortx.retry-max";
  return "actortx.retry-" + member;  // multiplier, jitter
}

/// Names spdlog's level::from_str understands (see runtime/log.cpp).
bool known_log_level(const std::string& s) {
  for (auto name : {"trace", "debug", "info", "warn", "warning", "error", "err", "critical", "off"})
    if (s == name) return true;
  return false;
}

/// What spans the HTTP parts: both serve metrics, and cannot share a port.
void validate_http(const runtime_config& cfg) {
  if (cfg.metrics_endpoint.enabled && !cfg.observability.enabled)
    throw config_error("actortx.metrics-endpoint", "true",
                       "it serves metrics: it needs actortx.metrics = true");
  const auto& d = cfg.dashboard;
  const auto& m = cfg.metrics_endpoint;
  if (d.enabled && m.enabled && d.port != 0 && d.port == m.port)
    throw config_error("actortx.metrics-port", std::to_string(m.port),
                       "the dashboard listens on it (actortx.dashboard-port); give another port "
                       "or 0 for any free one");
}

}  // namespace

namespace config_detail {

void check_range(const char* key, milliseconds v, milliseconds lo, milliseconds hi) {
  if (v < lo || v > hi)
    throw config_error(key, ms_text(v), "must be between " + ms_text(lo) + " and " + ms_text(hi));
}

}  // namespace config_detail

namespace {

/// The value as messages show it: a secret never, only whether it was given.
std::string shown_value(const std::string& field, std::string value) {
  if (!config_detail::is_secret_key(field)) return value;
  return value.empty() ? "(not set)" : "(hidden)";
}

}  // namespace

config_error::config_error(std::string field, std::string value, const std::string& why)
    : std::invalid_argument(field + ": " + shown_value(field, value) + " is invalid: " + why),
      field_(std::move(field)),
      value_(shown_value(field_, std::move(value))) {}

void pool_config::validate() const {
  if (max == 0)
    throw config_error("actortx.pool-max", "0", "the pool needs at least one connection");
  if (min > max)
    throw config_error("actortx.pool-min", std::to_string(min),
                       "it is above actortx.pool-max (" + std::to_string(max) + ")");
  if (max_waiters == 0)
    throw config_error("actortx.pool-max-waiters", "0",
                       "the lease queue needs room for at least one waiter, or every request "
                       "finding the pool busy fails at once");
  check_range("actortx.acquire-timeout", acquire_timeout, milliseconds(1), std::chrono::hours(1));
  if (connect_timeout < std::chrono::seconds(1))
    throw config_error("actortx.connect-timeout", ms_text(connect_timeout),
                       "libpq's connect_timeout has whole-second granularity, so it must be at "
                       "least 1s");
  check_range("actortx.connect-timeout", connect_timeout, std::chrono::seconds(1),
              std::chrono::minutes(10));
  // 0 turns either off; a few milliseconds would close every connection after each use.
  for (auto [key, v] : {std::pair{"actortx.pool-max-lifetime", max_lifetime},
                        std::pair{"actortx.pool-idle-timeout", idle_timeout}})
    if (v != milliseconds(0) && (v < std::chrono::seconds(1) || v > std::chrono::hours(24 * 30)))
      throw config_error(key, ms_text(v), "must be 0 (off) or between 1s and 720h");
}

void transaction_config::validate() const {
  check_range("actortx.tx-timeout", defaults.timeout, milliseconds(1), max_tx_timeout);
  check_range("actortx.cancel-grace", cancel_grace, milliseconds(1), std::chrono::seconds(10));
  check_range("actortx.commit-grace", commit_grace, milliseconds(0), std::chrono::seconds(1));
  check_range("actortx.shutdown-grace", shutdown_grace, milliseconds(0), std::chrono::minutes(10));
  check_range("actortx.long-running-threshold", long_running_threshold, milliseconds(1),
              std::chrono::hours(24));
  auto issue = first_issue(defaults.retry);
  if (!issue.field.empty()) throw config_error(retry_key(issue.field), issue.value, issue.why);
  // DEFERRABLE outside SERIALIZABLE READ ONLY is accepted on purpose: PostgreSQL ignores it.
}

void statement_config::validate() const {
  if (prepared && (cache_size < 1 || cache_size > 10000))
    throw config_error("actortx.prepared-statement-cache", std::to_string(cache_size),
                       "must be between 1 and 10000 (to run statements unnamed, set "
                       "actortx.prepared-statements = false)");
}

void saga_recovery_config::validate() const {
  if (lease < milliseconds(300))
    throw config_error("actortx.saga-lease", ms_text(lease),
                       "must be at least 300ms (it is renewed every third of it)");
  if (recovery_interval.count() <= 0)
    throw config_error("actortx.saga-recovery-interval", ms_text(recovery_interval),
                       "must be positive");
  if (max_running < 1 || max_running > 1000000)
    throw config_error("actortx.saga-max-running", std::to_string(max_running),
                       "must be between 1 and 1000000");
  if (unknown_version_grace < lease)
    throw config_error("actortx.saga-unknown-version-grace", ms_text(unknown_version_grace),
                       "must be at least the saga lease (" + ms_text(lease) + ")");
  for (char c : node_id) {
    if (std::isprint(static_cast<unsigned char>(c)) == 0 || c == ' ')
      throw config_error("actortx.node-id", node_id,
                         "only printable characters without spaces are allowed");
  }
}

void retention_config::validate() const {
  if (retention < std::chrono::hours(48))
    throw config_error("actortx.retention", ms_text(retention),
                       "must be at least 48h: idempotency keys must outlive every transaction "
                       "that may still ask whether it committed (deadlines reach 24h)");
  if (prune_interval.count() < 0)
    throw config_error("actortx.prune-interval", ms_text(prune_interval),
                       "must not be negative (0 turns pruning off)");
  if (prune_batch < 1 || prune_batch > 100000)
    throw config_error("actortx.prune-batch", std::to_string(prune_batch),
                       "must be between 1 and 100000");
}

void validate(const runtime_config& cfg) {
  cfg.pool.validate();
  cfg.transactions.validate();
  cfg.statements.validate();
  cfg.sagas.validate();
  cfg.retention.validate();
  cfg.observability.validate();
  if (cfg.dashboard.enabled && !cfg.observability.enabled)
    throw config_error("actortx.dashboard", "true",
                       "the dashboard shows metrics: it needs actortx.metrics = true");
  cfg.dashboard.validate();
  cfg.metrics_endpoint.validate();
  validate_http(cfg);
  cfg.node.validate();
  if (!known_log_level(cfg.log_level))
    throw config_error("actortx.log-level", cfg.log_level,
                       std::string{"expected one of "} + log_level_names);
  if (auto problem = log_levels_problem(cfg.log_levels); !problem.empty())
    throw config_error("actortx.log-levels", cfg.log_levels, problem);
  // An empty DSN is valid: $ACTORTX_DSN, else libpq's environment decides (resolve_dsn).
  if (!cfg.dsn.empty()) {
    try {
      parse_dsn(cfg.dsn);
    } catch (const dsn_error& e) {
      throw config_error("actortx.dsn", redact_dsn(cfg.dsn), e.what());
    }
  }
}

}  // namespace actortx
