// read_config(): runtime_config from CAF's settings, part by part, then validated.
#include <cctype>
#include <limits>
#include <string>
#include <vector>

#include <actortx/runtime_config.hpp>

#include "runtime/config/config_value.hpp"
#include "runtime/config/readers.hpp"
#include "runtime/config/strict_ini.hpp"
#include "runtime/policy/retry_policy.hpp"

namespace actortx {

namespace config_detail {

namespace {

constexpr const char* isolation_names =
    "read_uncommitted, read_committed, repeatable_read, serializable";
constexpr const char* backoff_names = "exponential, linear, immediate";

void read_retry(const caf::settings& c, retry_policy& retry) {
  if (auto x = read<std::string>(c, "actortx.retry-strategy", "a string")) {
    if (!parse_backoff(*x, retry.strategy))
      throw config_error("actortx.retry-strategy", *x,
                         std::string{"unknown backoff strategy; expected one of "} + backoff_names);
  }
  if (auto x = read<caf::timespan>(c, "actortx.retry-initial-delay", "a duration"))
    retry.initial_delay = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.retry-max-delay", "a duration"))
    retry.max_delay = to_ms(*x);
  if (auto x = read<double>(c, "actortx.retry-multiplier", "a number")) retry.multiplier = *x;
  if (auto x = read<double>(c, "actortx.retry-jitter", "a number")) retry.jitter = *x;
  if (auto x = read<bool>(c, "actortx.retry-full-jitter", "true or false")) retry.full_jitter = *x;
  if (auto x = read<size_t>(c, "actortx.retry-max", "a count")) {
    // Checked before narrowing to uint32_t, which would wrap.
    if (*x > std::numeric_limits<uint32_t>::max())
      throw config_error("actortx.retry-max", std::to_string(*x), "must be at most 1000");
    retry.max_retries = static_cast<uint32_t>(*x);
  }
}

void read_tx_defaults(const caf::settings& c, tx_options& out) {
  if (auto x = read<caf::timespan>(c, "actortx.tx-timeout", "a duration")) out.timeout = to_ms(*x);
  if (auto x = read<std::string>(c, "actortx.isolation", "a string")) {
    if (!parse_isolation(*x, out.level))
      throw config_error(
          "actortx.isolation", *x,
          std::string{"unknown isolation level; expected one of "} + isolation_names);
  }
  if (auto x = read<bool>(c, "actortx.read-only", "true or false")) out.read_only = *x;
  if (auto x = read<bool>(c, "actortx.deferrable", "true or false")) out.deferrable = *x;
  read_retry(c, out.retry);
}

/// "name=host:port" entries of actortx.peers.
void read_peers(const std::vector<std::string>& entries, node_config& node) {
  for (const auto& p : entries) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw config_error("actortx.peers", p, "expected name=host:port");
    auto name = p.substr(0, eq);
    if (node.peers.count(name)) throw config_error("actortx.peers", p, "peer named twice");
    node.peers[name] = p.substr(eq + 1);
  }
}

/// The keys outside any part: the DSN, the log level and the scheduler.
void read_top(const caf::settings& c, runtime_config& out) {
  if (auto x = read<std::string>(c, "actortx.dsn", "a string")) out.dsn = *x;
  if (auto x = read<std::string>(c, "actortx.log-level", "a string")) out.log_level = *x;
  if (auto x = read<std::string>(c, "actortx.log-levels", "a string")) out.log_levels = *x;
  if (auto x = read<size_t>(c, "actortx.scheduler-threads", "a count")) out.scheduler_threads = *x;
}

}  // namespace

void read_pool(const caf::settings& c, pool_config& out) {
  if (auto x = read<size_t>(c, "actortx.pool-min", "a count")) out.min = *x;
  if (auto x = read<size_t>(c, "actortx.pool-max", "a count")) out.max = *x;
  if (auto x = read<size_t>(c, "actortx.pool-max-waiters", "a count")) out.max_waiters = *x;
  if (auto x = read<caf::timespan>(c, "actortx.acquire-timeout", "a duration"))
    out.acquire_timeout = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.connect-timeout", "a duration"))
    out.connect_timeout = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.pool-max-lifetime", "a duration"))
    out.max_lifetime = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.pool-idle-timeout", "a duration"))
    out.idle_timeout = to_ms(*x);
  if (auto x = read<bool>(c, "actortx.pool-reset-session", "true or false")) out.reset_session = *x;
}

void read_transactions(const caf::settings& c, transaction_config& out) {
  read_tx_defaults(c, out.defaults);
  if (auto x = read<caf::timespan>(c, "actortx.cancel-grace", "a duration"))
    out.cancel_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.commit-grace", "a duration"))
    out.commit_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.shutdown-grace", "a duration"))
    out.shutdown_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.long-running-threshold", "a duration"))
    out.long_running_threshold = to_ms(*x);
}

void read_statements(const caf::settings& c, statement_config& out) {
  if (auto x = read<bool>(c, "actortx.prepared-statements", "true or false")) out.prepared = *x;
  if (auto x = read<size_t>(c, "actortx.prepared-statement-cache", "a count")) out.cache_size = *x;
}

void read_sagas(const caf::settings& c, saga_recovery_config& out) {
  if (auto x = read<std::string>(c, "actortx.node-id", "a string")) out.node_id = *x;
  if (auto x = read<caf::timespan>(c, "actortx.saga-lease", "a duration")) out.lease = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.saga-recovery-interval", "a duration"))
    out.recovery_interval = to_ms(*x);
  if (auto x = read<size_t>(c, "actortx.saga-max-running", "a count")) out.max_running = *x;
  if (auto x = read<caf::timespan>(c, "actortx.saga-unknown-version-grace", "a duration"))
    out.unknown_version_grace = to_ms(*x);
}

void read_retention(const caf::settings& c, retention_config& out) {
  if (auto x = read<caf::timespan>(c, "actortx.retention", "a duration")) out.retention = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.prune-interval", "a duration"))
    out.prune_interval = to_ms(*x);
  if (auto x = read<size_t>(c, "actortx.prune-batch", "a count")) out.prune_batch = *x;
}

void read_node(const caf::settings& c, node_config& node) {
  if (auto x = read<std::string>(c, "actortx.listen", "a string")) node.listen = *x;
  if (auto x = read<std::string>(c, "actortx.tls-cert", "a string")) node.tls_cert = *x;
  if (auto x = read<std::string>(c, "actortx.tls-key", "a string")) node.tls_key = *x;
  if (auto x = read<std::string>(c, "actortx.tls-ca", "a string")) node.tls_ca = *x;
  if (auto x = read<bool>(c, "actortx.plain-tcp", "true or false")) node.plain_tcp = *x;
  if (auto x = read<caf::timespan>(c, "actortx.node-connect-timeout", "a duration"))
    node.connect_timeout = to_ms(*x);
  if (auto x = read<std::vector<std::string>>(c, "actortx.peers", "a list of name=host:port"))
    read_peers(*x, node);
}

}  // namespace config_detail

runtime_config read_config(const caf::actor_system_config& cfg) {
  // What caf_config::parse() refused in the INI file; parse() already returned it as an error,
  // this is for callers who went on regardless.
  if (auto own = dynamic_cast<const caf_config*>(&cfg); own != nullptr && own->file_problem())
    throw *own->file_problem();
  const auto& c = cfg.content;
  config_detail::check_known_keys(c);
  runtime_config out;
  config_detail::read_top(c, out);
  config_detail::read_pool(c, out.pool);
  config_detail::read_transactions(c, out.transactions);
  config_detail::read_statements(c, out.statements);
  config_detail::read_sagas(c, out.sagas);
  config_detail::read_retention(c, out.retention);
  config_detail::read_observability(c, out.observability);
  config_detail::read_dashboard(c, out.dashboard);
  config_detail::read_metrics_endpoint(c, out.metrics_endpoint);
  config_detail::read_node(c, out.node);
  validate(out);
  return out;
}

bool parse_isolation(const std::string& text, isolation& out) noexcept {
  // Normalise "Read_Committed", "read-committed", " READ  COMMITTED " to "read committed".
  std::string s;
  try {
    bool gap = false;
    for (char c : text) {
      if (c == '_' || c == '-' || std::isspace(static_cast<unsigned char>(c))) {
        gap = !s.empty();
        continue;
      }
      if (gap) s += ' ';
      gap = false;
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  } catch (...) {
    return false;
  }
  struct name {
    const char* text;
    isolation level;
  };
  static constexpr name names[] = {{"read uncommitted", isolation::read_uncommitted},
                                   {"read committed", isolation::read_committed},
                                   {"repeatable read", isolation::repeatable_read},
                                   {"serializable", isolation::serializable}};
  for (const auto& n : names) {
    if (s == n.text) {
      out = n.level;
      return true;
    }
  }
  return false;
}

}  // namespace actortx
