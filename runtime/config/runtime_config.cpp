#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

#include <caf/config_option_adder.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <actortx/dsn.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/runtime_config.hpp>

#include "runtime/config/config_value.hpp"
#include "runtime/config/observability_config.hpp"
#include "runtime/policy/retry_policy.hpp"

namespace actortx {

namespace {

constexpr const char* isolation_names =
    "read_uncommitted, read_committed, repeatable_read, serializable";
constexpr const char* backoff_names = "exponential, linear, immediate";
constexpr const char* log_level_names = "trace, debug, info, warn, error, critical, off";

/// Config key of each retry_policy member, for messages about the retry-* options.
std::string retry_key(const std::string& member) {
  if (member == "initial_delay") return "actortx.retry-initial-delay";
  if (member == "max_delay") return "actortx.retry-max-delay";
  if (member == "multiplier") return "actortx.retry-multiplier";
  if (member == "jitter") return "actortx.retry-jitter";
  if (member == "max_retries") return "actortx.retry-max";
  return "actortx.retry-" + member;
}

/// Names spdlog's level::from_str understands (see runtime/log.cpp).
bool known_log_level(const std::string& s) {
  for (auto name : {"trace", "debug", "info", "warn", "warning", "error", "err", "critical", "off"})
    if (s == name) return true;
  return false;
}

}  // namespace

using config_detail::ms_text;
using config_detail::read;
using config_detail::to_ms;

namespace {

void check_range(const char* key, std::chrono::milliseconds v, std::chrono::milliseconds lo,
                 std::chrono::milliseconds hi) {
  if (v < lo || v > hi)
    throw config_error(key, ms_text(v), "must be between " + ms_text(lo) + " and " + ms_text(hi));
}

}  // namespace

config_error::config_error(std::string field, std::string value, const std::string& why)
    : std::invalid_argument(field + ": " + value + " is invalid: " + why),
      field_(std::move(field)),
      value_(std::move(value)) {}

void validate(const runtime_config& cfg) {
  if (cfg.pool_max == 0)
    throw config_error("actortx.pool-max", "0", "the pool needs at least one connection");
  if (cfg.pool_min > cfg.pool_max)
    throw config_error("actortx.pool-min", std::to_string(cfg.pool_min),
                       "it is above actortx.pool-max (" + std::to_string(cfg.pool_max) + ")");
  if (cfg.pool_max_waiters == 0)
    throw config_error("actortx.pool-max-waiters", "0",
                       "the lease queue needs room for at least one waiter, or every request "
                       "finding the pool busy fails at once");
  check_range("actortx.acquire-timeout", cfg.acquire_timeout, std::chrono::milliseconds(1),
              std::chrono::hours(1));
  if (cfg.connect_timeout < std::chrono::seconds(1))
    throw config_error("actortx.connect-timeout", ms_text(cfg.connect_timeout),
                       "libpq's connect_timeout has whole-second granularity, so it must be at "
                       "least 1s");
  check_range("actortx.connect-timeout", cfg.connect_timeout, std::chrono::seconds(1),
              std::chrono::minutes(10));
  check_range("actortx.tx-timeout", cfg.defaults.timeout, std::chrono::milliseconds(1),
              max_tx_timeout);
  check_range("actortx.cancel-grace", cfg.cancel_grace, std::chrono::milliseconds(1),
              std::chrono::seconds(10));
  check_range("actortx.commit-grace", cfg.commit_grace, std::chrono::milliseconds(0),
              std::chrono::seconds(1));
  check_range("actortx.shutdown-grace", cfg.shutdown_grace, std::chrono::milliseconds(0),
              std::chrono::minutes(10));
  check_range("actortx.long-running-threshold", cfg.long_running_threshold,
              std::chrono::milliseconds(1), std::chrono::hours(24));
  if (cfg.prepared_statements &&
      (cfg.prepared_statement_cache < 1 || cfg.prepared_statement_cache > 10000))
    throw config_error("actortx.prepared-statement-cache",
                       std::to_string(cfg.prepared_statement_cache),
                       "must be between 1 and 10000 (to run statements unnamed, set "
                       "actortx.prepared-statements = false)");
  auto issue = first_issue(cfg.defaults.retry);
  if (!issue.field.empty()) throw config_error(retry_key(issue.field), issue.value, issue.why);
  if (cfg.saga_lease < std::chrono::milliseconds(300))
    throw config_error("actortx.saga-lease", ms_text(cfg.saga_lease),
                       "must be at least 300ms (it is renewed every third of it)");
  if (cfg.saga_recovery_interval.count() <= 0)
    throw config_error("actortx.saga-recovery-interval", ms_text(cfg.saga_recovery_interval),
                       "must be positive");
  for (char c : cfg.node_id) {
    if (std::isprint(static_cast<unsigned char>(c)) == 0 || c == ' ')
      throw config_error("actortx.node-id", cfg.node_id,
                         "only printable characters without spaces are allowed");
  }
  validate_observability(cfg);
  validate_node(cfg.node);
  if (!known_log_level(cfg.log_level))
    throw config_error("actortx.log-level", cfg.log_level,
                       std::string{"expected one of "} + log_level_names);
  // DEFERRABLE outside SERIALIZABLE READ ONLY is accepted on purpose: PostgreSQL ignores it.
  if (!cfg.dsn.empty()) {
    try {
      parse_dsn(cfg.dsn);
    } catch (const dsn_error& e) {
      throw config_error("actortx.dsn", redact_dsn(cfg.dsn), e.what());
    }
  }
}

caf_config::caf_config() {
  register_messages(*this);
  // Declared without bound members: read_config() reads them from `content`, so that it
  // can tell "unset" (keep runtime_config's default) from "set".
  opt_group{custom_options_, "actortx"}
      .add<std::string>("dsn", "libpq DSN or postgresql:// URI (default: $ACTORTX_DSN)")
      .add<size_t>("pool-min", "connections kept open (default 1)")
      .add<size_t>("pool-max", "most connections (default 8)")
      .add<size_t>("pool-max-waiters", "bound of the lease queue (default 10000)")
      .add<caf::timespan>("acquire-timeout", "longest wait for a connection (default 5s)")
      .add<caf::timespan>("connect-timeout", "libpq connect timeout, >= 1s (default 5s)")
      .add<caf::timespan>("tx-timeout", "default transaction deadline (default 30s)")
      .add<std::string>("isolation", "default isolation: read_committed, serializable, ...")
      .add<bool>("read-only", "transactions are READ ONLY by default")
      .add<bool>("deferrable", "DEFERRABLE (SERIALIZABLE READ ONLY only)")
      .add<std::string>("retry-strategy", "exponential, linear or immediate")
      .add<caf::timespan>("retry-initial-delay", "first backoff delay (default 1s)")
      .add<caf::timespan>("retry-max-delay", "cap of the backoff delay (default 30s)")
      .add<double>("retry-multiplier", "growth factor of exponential backoff (default 2)")
      .add<double>("retry-jitter", "+/- fraction of the delay, 0..1 (default 0.1)")
      .add<bool>("retry-full-jitter", "draw the delay from [0, delay] instead")
      .add<size_t>("retry-max", "retries after the first attempt (default 3)")
      .add<caf::timespan>("cancel-grace",
                          "after a deadline's cancel, cut the connection if still stuck "
                          "(1ms..10s, default 20ms)")
      .add<caf::timespan>("commit-grace",
                          "reply time for a COMMIT in flight at the deadline, then IN_DOUBT "
                          "(0..1s, default 25ms)")
      .add<caf::timespan>("shutdown-grace",
                          "running transactions may finish on shutdown (0..10min, default 5s)")
      .add<caf::timespan>("long-running-threshold",
                          "age at which a transaction is logged as long-running (default 5s)")
      .add<bool>("prepared-statements",
                 "statements run prepared, cached per connection (default true; false for "
                 "a pooler in transaction mode)")
      .add<size_t>("prepared-statement-cache",
                   "prepared statements per connection, LRU, 1..10000 (default 256)")
      .add<size_t>("scheduler-threads", "CAF scheduler threads, 0 = cores (default 0)")
      .add<std::string>("node-id", "owner name of this node's sagas (default host:pid)")
      .add<caf::timespan>("saga-lease", "lease of a node on its sagas (default 30s)")
      .add<caf::timespan>("saga-recovery-interval",
                          "between looks for orphaned sagas (default 10s)")
      .add<std::string>("log-level", "trace, debug, info, warn, error, critical, off")
      .add<std::string>("listen", "publish this node's supervisor on host:port (0 = any port)")
      .add<std::string>("tls-cert", "PEM certificate of this node")
      .add<std::string>("tls-key", "PEM private key of this node")
      .add<std::string>("tls-ca", "PEM CA that signs the peers' certificates")
      .add<bool>("plain-tcp", "no TLS between nodes: loopback development only")
      .add<std::vector<std::string>>("peers", "other nodes as [\"name=host:port\", ...]")
      .add<caf::timespan>("node-connect-timeout", "wait for a peer to connect (default 5s)");
  add_observability_options(custom_options_);
}

runtime_config read_config(const caf::actor_system_config& cfg) {
  const auto& c = cfg.content;
  runtime_config out;
  if (auto x = read<std::string>(c, "actortx.dsn", "a string")) out.dsn = *x;
  if (auto x = read<size_t>(c, "actortx.pool-min", "a count")) out.pool_min = *x;
  if (auto x = read<size_t>(c, "actortx.pool-max", "a count")) out.pool_max = *x;
  if (auto x = read<size_t>(c, "actortx.pool-max-waiters", "a count")) out.pool_max_waiters = *x;
  if (auto x = read<caf::timespan>(c, "actortx.acquire-timeout", "a duration"))
    out.acquire_timeout = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.connect-timeout", "a duration"))
    out.connect_timeout = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.cancel-grace", "a duration"))
    out.cancel_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.commit-grace", "a duration"))
    out.commit_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.shutdown-grace", "a duration"))
    out.shutdown_grace = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.tx-timeout", "a duration"))
    out.defaults.timeout = to_ms(*x);
  if (auto x = read<std::string>(c, "actortx.isolation", "a string")) {
    if (!parse_isolation(*x, out.defaults.level))
      throw config_error(
          "actortx.isolation", *x,
          std::string{"unknown isolation level; expected one of "} + isolation_names);
  }
  if (auto x = read<bool>(c, "actortx.read-only", "true or false")) out.defaults.read_only = *x;
  if (auto x = read<bool>(c, "actortx.deferrable", "true or false")) out.defaults.deferrable = *x;
  auto& retry = out.defaults.retry;
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
  if (auto x = read<caf::timespan>(c, "actortx.long-running-threshold", "a duration"))
    out.long_running_threshold = to_ms(*x);
  if (auto x = read<bool>(c, "actortx.prepared-statements", "true or false"))
    out.prepared_statements = *x;
  if (auto x = read<size_t>(c, "actortx.prepared-statement-cache", "a count"))
    out.prepared_statement_cache = *x;
  if (auto x = read<size_t>(c, "actortx.scheduler-threads", "a count")) out.scheduler_threads = *x;
  if (auto x = read<std::string>(c, "actortx.log-level", "a string")) out.log_level = *x;
  if (auto x = read<std::string>(c, "actortx.node-id", "a string")) out.node_id = *x;
  if (auto x = read<caf::timespan>(c, "actortx.saga-lease", "a duration"))
    out.saga_lease = to_ms(*x);
  if (auto x = read<caf::timespan>(c, "actortx.saga-recovery-interval", "a duration"))
    out.saga_recovery_interval = to_ms(*x);
  read_observability(c, out);
  auto& node = out.node;
  if (auto x = read<std::string>(c, "actortx.listen", "a string")) node.listen = *x;
  if (auto x = read<std::string>(c, "actortx.tls-cert", "a string")) node.tls_cert = *x;
  if (auto x = read<std::string>(c, "actortx.tls-key", "a string")) node.tls_key = *x;
  if (auto x = read<std::string>(c, "actortx.tls-ca", "a string")) node.tls_ca = *x;
  if (auto x = read<bool>(c, "actortx.plain-tcp", "true or false")) node.plain_tcp = *x;
  if (auto x = read<caf::timespan>(c, "actortx.node-connect-timeout", "a duration"))
    node.connect_timeout = to_ms(*x);
  if (auto x = read<std::vector<std::string>>(c, "actortx.peers", "a list of name=host:port")) {
    for (const auto& p : *x) {
      auto eq = p.find('=');
      if (eq == std::string::npos || eq == 0)
        throw config_error("actortx.peers", p, "expected name=host:port");
      auto name = p.substr(0, eq);
      if (node.peers.count(name)) throw config_error("actortx.peers", p, "peer named twice");
      node.peers[name] = p.substr(eq + 1);
    }
  }
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
