// Runtime configuration: defaults, reading from CAF's config (INI + CLI), validation.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include <caf/actor_system_config.hpp>

#include <actortx/alert_rules.hpp>
#include <actortx/metrics.hpp>
#include <actortx/node_config.hpp>
#include <actortx/procedure_registry.hpp>
#include <actortx/tx_hooks.hpp>
#include <actortx/tx_options.hpp>

namespace actortx {

/// An invalid configuration value. what() names the field and the value.
class config_error : public std::invalid_argument {
 public:
  config_error(std::string field, std::string value, const std::string& why);
  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }

 private:
  std::string field_;
  std::string value_;
};

struct runtime_config {
  /// libpq DSN; empty means the ACTORTX_DSN environment variable.
  std::string dsn;
  size_t pool_min = 1;
  size_t pool_max = 8;
  /// Bound of the lease queue; acquire requests beyond it fail at once with pool_exhausted.
  size_t pool_max_waiters = 10000;
  /// How long a lease request may wait for a connection.
  std::chrono::milliseconds acquire_timeout{5000};
  /// libpq connect_timeout for new connections.
  std::chrono::milliseconds connect_timeout{5000};
  /// Options used when a caller gives none (timeout, retry policy, isolation, ...).
  tx_options defaults;
  /// After a deadline stopped an attempt and its query was cancelled: how long the server may
  /// take to obey before the connection is cut (so a body blocked on a frozen server or a
  /// dropped network path unwinds) and replaced. 1 ms .. 10 s.
  std::chrono::milliseconds cancel_grace{20};
  /// When the deadline finds COMMIT in flight: how long its reply may take before the answer is
  /// IN_DOUBT. An answer is never later than this past the deadline. 0 .. 1 s.
  std::chrono::milliseconds commit_grace{25};
  /// On shutdown: how long running transactions may take to finish (or reach their deadline)
  /// after new work is refused; then the rest are stopped. 0 .. 10 min.
  std::chrono::milliseconds shutdown_grace{5000};
  /// Transactions running longer are logged once at warn and flagged by active_transactions().
  std::chrono::milliseconds long_running_threshold{5000};
  /// Run every statement of a body, script, idempotency key and saga log as a server-side
  /// prepared statement, kept per connection. Off for a pooler in transaction mode (PgBouncer),
  /// which may give each transaction another backend: statements then go unnamed.
  bool prepared_statements = true;
  /// Most prepared statements per connection (the least recently used is DEALLOCATEd). 1..10000.
  size_t prepared_statement_cache = 256;
  /// CAF scheduler threads; 0 = number of cores.
  size_t scheduler_threads = 0;
  /// spdlog level: trace, debug, info, warn, error, critical, off.
  std::string log_level = "info";
  /// Runtime-wide hooks around every transaction's end (code only, not from config files).
  tx_hooks hooks;
  /// This node's name as the owner of sagas in the log; must be unique among running nodes.
  /// Empty: <hostname>:<pid>. Give a stable name to take back a crashed process's sagas at
  /// once on restart (instead of after their lease expired).
  std::string node_id;
  /// How long a node's claim on a saga lasts without renewal (renewed every third of it).
  std::chrono::milliseconds saga_lease{30000};
  /// How often a node looks for sagas whose owner's lease expired.
  std::chrono::milliseconds saga_recovery_interval{10000};

  // --- observability (docs/observability.md) ---------------------------------------------------
  /// Off: no records, no metrics actor, no dashboard; counters cost nothing.
  bool metrics_enabled = true;
  /// Recent transaction (and saga) records kept for queries by id and label.
  size_t metrics_ring = 10000;
  /// A summary line at info this often; 0 = never.
  std::chrono::milliseconds metrics_log_interval{60000};
  /// Width of one trend point (dashboard charts, failure-rate window).
  std::chrono::seconds metrics_trend_bucket{10};
  /// Alert thresholds, dedup time and history size.
  alert_rules alerts;
  /// p99 at or below this scores full marks in the health score.
  std::chrono::milliseconds health_latency_target{250};
  /// Called for every alert raised (after dedup), on a runtime thread: must not block.
  std::function<void(const alert&)> on_alert;
  /// The live dashboard, /metrics and /api/*.json over HTTP; off unless enabled.
  bool dashboard_enabled = false;
  std::string dashboard_bind = "127.0.0.1";
  /// 0 = any free port (runtime::dashboard_port() tells which).
  uint16_t dashboard_port = 8090;

  // --- distribution (see node_config.hpp) ------------------------------------------------
  /// Where this node publishes its supervisor, its TLS material and its peers.
  node_config node;
  /// Procedures that callers, local or on other nodes, may run here by name.
  procedure_registry procedures;
};

/// Throws config_error on the first invalid field, e.g.
/// "actortx.pool-max: 0 is invalid: the pool needs at least one connection".
void validate(const runtime_config& cfg);

/// A caf::actor_system_config with the actortx options (group "actortx": --actortx.dsn,
/// --actortx.pool-max, ... or an [actortx] section in caf-application.ini) and all actortx
/// message types registered.
class caf_config : public caf::actor_system_config {
 public:
  caf_config();
};

/// Reads the "actortx" group of a parsed caf_config (unset keys keep runtime_config's
/// defaults) and validates it. Throws config_error naming the bad key and value.
runtime_config read_config(const caf::actor_system_config& cfg);

/// Statements each connection keeps prepared: 0 when prepared statements are off.
inline size_t statement_cache_size(const runtime_config& cfg) noexcept {
  return cfg.prepared_statements ? cfg.prepared_statement_cache : 0;
}

/// Parses "read_committed", "read committed", "serializable", ... (case-insensitive).
bool parse_isolation(const std::string& text, isolation& out) noexcept;

/// The DSN tests and tools use: $ACTORTX_DSN if set, else the first line of the file named by
/// $ACTORTX_DSN_FILE (written by the CTest fixture), else empty (neither set, or both empty).
/// A $ACTORTX_DSN_FILE that is missing, unreadable or has no DSN in its first line is an
/// error (std::runtime_error naming the file), never a silent fallback.
std::string dsn_from_environment();

}  // namespace actortx
