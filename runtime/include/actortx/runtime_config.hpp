// Runtime configuration: one sub-struct per concern, each validating itself; read from CAF's
// settings (command line and INI file, both checked strictly). Every config key is documented
// once, at the member it sets: "key = default, range: meaning". Keys live in the [actortx]
// section of an INI file or on the command line as --actortx.<key>=<value>.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_system_config.hpp>

#include <actortx/alert_rules.hpp>
#include <actortx/config_error.hpp>
#include <actortx/metrics.hpp>
#include <actortx/node_config.hpp>
#include <actortx/procedure_registry.hpp>
#include <actortx/tx_hooks.hpp>
#include <actortx/tx_options.hpp>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace actortx {

/// The connection pool.
struct pool_config {
  /// actortx.pool-min = 1, 0..max: connections opened at start and kept open.
  size_t min = 1;
  /// actortx.pool-max = 8, at least 1: most connections open at once.
  size_t max = 8;
  /// actortx.pool-max-waiters = 10000, at least 1: bound of the lease queue; a lease request
  /// beyond it fails at once with pool_exhausted.
  size_t max_waiters = 10000;
  /// actortx.acquire-timeout = 5s, 1ms..1h: how long a lease request may wait for a connection.
  std::chrono::milliseconds acquire_timeout{5000};
  /// actortx.connect-timeout = 5s, 1s..10min: libpq's connect_timeout for new connections
  /// (whole seconds; a connect_timeout in the DSN wins).
  std::chrono::milliseconds connect_timeout{5000};
  /// actortx.pool-max-lifetime = 1h, 0 (= unlimited) or 1s..30d: a connection older than this
  /// (less up to 10 % jitter, so that connections opened together do not all go at once) is
  /// closed when it is next idle, and replaced as pool-min and demand require: a server-side
  /// change (failover behind a DNS name, pg_hba, a backend's grown memory) reaches every
  /// connection in bounded time.
  std::chrono::milliseconds max_lifetime{std::chrono::hours(1)};
  /// actortx.pool-idle-timeout = 10min, 0 (= never) or 1s..30d: a connection beyond pool-min
  /// that stayed idle this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  /// actortx.pool-reset-session = true: after a transaction whose body may have changed its
  /// session (SET, RESET, PREPARE, DEALLOCATE, LISTEN, DECLARE, CREATE TEMP, session advisory
  /// locks, set_config(), any use of tx::raw(), or tx::mark_session_changed()), the connection
  /// resets it before anyone leases it again, in one round trip that only such transactions
  /// pay: role, settings, temp tables, cursors, LISTENs, advisory locks and the body's own
  /// prepared statements (the runtime's stay). false: session state carries over (documented
  /// hazard: the next transaction on that connection sees it).
  bool reset_session = true;

  void validate() const;
};

/// What a transaction gets when its caller says nothing, and the graces around its deadline.
struct transaction_config {
  /// Options used when a caller gives none. Keys (tx_options / retry_policy member):
  /// - actortx.tx-timeout = 30s, 1ms..24h (timeout): deadline of the whole transaction.
  /// - actortx.isolation = "read_committed" (level): also read_uncommitted, repeatable_read,
  ///   serializable; case, '-', '_' and blanks do not matter.
  /// - actortx.read-only = false (read_only); actortx.deferrable = false (deferrable,
  ///   meaningful for SERIALIZABLE READ ONLY only).
  /// - actortx.retry-strategy = "exponential" (retry.strategy): or linear, immediate.
  /// - actortx.retry-initial-delay = 1s, >= 0 (retry.initial_delay).
  /// - actortx.retry-max-delay = 30s, >= the initial delay (retry.max_delay).
  /// - actortx.retry-multiplier = 2, >= 1 for exponential (retry.multiplier).
  /// - actortx.retry-jitter = 0.1, 0..1 (retry.jitter): +/- fraction of each delay.
  /// - actortx.retry-full-jitter = false (retry.full_jitter): draw from [0, delay] instead.
  /// - actortx.retry-max = 3, 0..1000 (retry.max_retries): retries after the first attempt.
  tx_options defaults;
  /// actortx.cancel-grace = 20ms, 1ms..10s: after a deadline stopped an attempt and its query
  /// was cancelled, how long the server may take to obey before the connection is cut (so a
  /// body blocked on a frozen server or a dropped network path unwinds) and replaced.
  std::chrono::milliseconds cancel_grace{20};
  /// actortx.commit-grace = 25ms, 0..1s: when the deadline finds COMMIT in flight, how long
  /// its reply may take before the answer is IN_DOUBT; no answer is later than this past the
  /// deadline.
  std::chrono::milliseconds commit_grace{25};
  /// actortx.shutdown-grace = 5s, 0..10min: on shutdown, how long running transactions may
  /// take to finish (or reach their deadline) after new work is refused; then the rest stop.
  std::chrono::milliseconds shutdown_grace{5000};
  /// actortx.long-running-threshold = 5s, 1ms..24h: transactions running longer are logged
  /// once at warn and flagged by active_transactions().
  std::chrono::milliseconds long_running_threshold{5000};

  void validate() const;
};

/// Server-side prepared statements.
struct statement_config {
  /// actortx.prepared-statements = true: run every statement of a body, script, idempotency
  /// key and saga log prepared, kept per connection. Off for a pooler in transaction mode
  /// (PgBouncer), which may give each transaction another backend: statements go unnamed.
  bool prepared = true;
  /// actortx.prepared-statement-cache = 256, 1..10000 (unchecked when prepared is off): most
  /// prepared statements per connection; the least recently used is DEALLOCATEd.
  size_t cache_size = 256;

  /// Statements each connection keeps prepared: 0 when prepared statements are off.
  size_t per_connection() const noexcept { return prepared ? cache_size : 0; }
  void validate() const;
};

/// Durable sagas: who owns them and how orphans are found.
struct saga_recovery_config {
  /// actortx.node-id = "" (then <hostname>:<pid>), printable without blanks: this node's name
  /// as the owner of sagas in the log, unique among running nodes. A stable name takes back a
  /// crashed process's sagas at once on restart (instead of after their lease expired).
  std::string node_id;
  /// actortx.saga-lease = 30s, at least 300ms: how long a node's claim on a saga lasts without
  /// renewal (renewed every third of it).
  std::chrono::milliseconds lease{30000};
  /// actortx.saga-recovery-interval = 10s, positive: how often a node looks for sagas whose
  /// owner's lease expired.
  std::chrono::milliseconds recovery_interval{10000};
  /// actortx.saga-max-running = 1000, 1..1000000: sagas this node drives at once. More are
  /// accepted and wait, in order, as compact entries (a few hundred bytes, no actor, no queued
  /// transaction); a saga's deadline runs while it waits.
  size_t max_running = 1000;
  /// actortx.saga-unknown-version-grace = 1h, at least the lease: a saga whose type and version
  /// no node that looks for orphans has (a roll-out removed it) stays in the log for a node that
  /// has it; this long after its lease expired it is marked FAILED, naming type and version (an
  /// operator can retry it once a node has that version again).
  std::chrono::milliseconds unknown_version_grace{3600000};

  void validate() const;
};

/// Pruning of what the library keeps in the database: finished sagas (COMMITTED, COMPENSATED)
/// with their steps and history, and idempotency keys. FAILED sagas are kept for an operator.
struct retention_config {
  /// actortx.retention = 168h, at least 48h: rows older than this are pruned. An idempotency
  /// key must outlive every transaction that may still ask it whether it committed (a
  /// transaction's deadline is at most 24h, and a saga step in doubt is resolved by its key
  /// within its own deadline), so the floor is twice the longest deadline; the default week
  /// also leaves an operator time to look at a finished saga.
  std::chrono::milliseconds retention{std::chrono::hours(168)};
  /// actortx.prune-interval = 10min, 0 = never: how often one node (whichever holds the
  /// pruning lease) prunes.
  std::chrono::milliseconds prune_interval{600000};
  /// actortx.prune-batch = 1000, 1..100000: rows deleted per transaction (short locks, short
  /// transactions); a round goes on batch after batch until nothing is left to prune.
  size_t prune_batch = 1000;

  void validate() const;
};

/// Metrics, alerts and the health score (docs/observability.md).
struct observability_config {
  /// actortx.metrics = true: off means no records, no metrics actor, no dashboard; counters
  /// cost nothing.
  bool enabled = true;
  /// actortx.metrics-ring = 10000, 1..10000000: recent transaction (and saga) records kept for
  /// queries by id and label.
  size_t ring = 10000;
  /// actortx.metrics-log-interval = 60s, >= 0: a summary line at info this often; 0 = never.
  std::chrono::milliseconds log_interval{60000};
  /// actortx.metrics-trend-bucket = 10s, 1s..1h: width of one trend point (dashboard charts,
  /// failure-rate window).
  std::chrono::seconds trend_bucket{10};
  /// Alert thresholds, dedup time and history size: keys actortx.alert-* (alert_rules.hpp).
  alert_rules alerts;
  /// actortx.health-latency-target = 250ms, positive: a p99 at or below it scores full marks
  /// in the health score.
  std::chrono::milliseconds health_latency_target{250};
  /// actortx.runtime-name = "" (= the database name): the runtime label (actortx_runtime) on
  /// every exported series and in reports; tells two runtimes of one process apart.
  std::string runtime_name;
  /// actortx.metrics-max-labels = 100, 1..10000: distinct transaction labels counted and
  /// exported one by one; later new labels are counted under "other" (bounded series).
  size_t max_labels = 100;
  /// Called for every alert raised (after dedup), on a runtime thread: must not block. Code
  /// only, no key.
  std::function<void(const alert&)> on_alert;

  void validate() const;
};

/// The live dashboard, /metrics and /api/*.json over HTTP.
struct dashboard_config {
  /// actortx.dashboard = false: serve them (needs actortx.metrics = true).
  bool enabled = false;
  /// actortx.dashboard-bind = "127.0.0.1", not empty when enabled: the address to listen on.
  std::string bind = "127.0.0.1";
  /// actortx.dashboard-port = 8090, 0..65535: 0 = any free port (runtime::dashboard_port()
  /// tells which).
  uint16_t port = 8090;
  /// actortx.dashboard-token = "": required (at least 16 characters) when bind is not a
  /// loopback address; then every request must carry it ("Authorization: Bearer <token>" or
  /// ?token=<token>). Never logged or printed.
  std::string token;

  void validate() const;
};

/// /metrics, /healthz and /readyz alone (no dashboard, no token): for Prometheus and for
/// orchestrators' probes.
struct metrics_endpoint_config {
  /// actortx.metrics-endpoint = false: serve them (needs actortx.metrics = true).
  bool enabled = false;
  /// actortx.metrics-bind = "127.0.0.1", not empty when enabled.
  std::string bind = "127.0.0.1";
  /// actortx.metrics-port = 9187, 0..65535: 0 = any free port (runtime::metrics_port()).
  uint16_t port = 9187;

  void validate() const;
};

struct runtime_config {
  /// actortx.dsn = "" (then $ACTORTX_DSN): libpq DSN or postgresql:// URI. Empty (and no
  /// $ACTORTX_DSN) follows libpq's own defaults, as psql does: PGHOST, PGPORT, PGDATABASE,
  /// PGUSER, PGPASSWORD, PGSERVICE, ~/.pgpass, then the local socket.
  std::string dsn;
  pool_config pool;
  transaction_config transactions;
  statement_config statements;
  saga_recovery_config sagas;
  retention_config retention;
  observability_config observability;
  dashboard_config dashboard;
  metrics_endpoint_config metrics_endpoint;
  /// Where this node publishes its supervisor, its TLS material and its peers: keys
  /// actortx.listen, tls-*, plain-tcp, peers, node-connect-timeout (node_config.hpp).
  node_config node;
  /// Procedures that callers, local or on other nodes, may run here by name (code only).
  procedure_registry procedures;
  /// Runtime-wide hooks around every transaction's end (code only).
  tx_hooks hooks;
  /// actortx.log-level = "info": trace, debug, info, warn, error, critical or off (spdlog): the
  /// level of every component that log-levels does not name.
  std::string log_level = "info";
  /// actortx.log-levels = "": levels per component over log-level, e.g. "pool=debug,saga=warn".
  /// Components (log.hpp): runtime, pool, connection, supervisor, saga, listen, metrics,
  /// nodes, maintenance; each logs as the spdlog logger "actortx.<component>".
  std::string log_levels;
  /// Where actortx's lines go (code only): every component writes to this logger's sinks
  /// (its level filters too). Null: the current destination stays (by default a logger
  /// registered with spdlog as "actortx", else stderr). Loggers are process-wide: the runtime
  /// constructed last sets destination and levels for all runtimes of the process.
  std::shared_ptr<spdlog::logger> logger;
  /// actortx.scheduler-threads = 0 (= number of cores): CAF scheduler threads of a runtime
  /// that owns its actor system.
  size_t scheduler_threads = 0;
};

/// Throws config_error on the first invalid key: every sub-struct's validate(), then what
/// spans them (the dashboard needs metrics), the log level and the DSN.
void validate(const runtime_config& cfg);

/// A caf::actor_system_config with the actortx options (group "actortx": --actortx.dsn,
/// --actortx.pool-max, ... or an [actortx] section in caf-application.ini) and all actortx
/// message types registered.
///
/// Its parse() hides actor_system_config's, to check the INI file as strictly as CAF checks
/// the command line: CAF alone drops a value of the wrong type (pool-max="twelve" leaves the
/// default) and keeps unknown keys unread. Here a syntax error (with the key on its line), an
/// unknown key in [actortx] (with the key it probably meant), a value of the wrong type and a
/// key given twice fail parse() with a parser error, and read_config() throws them as
/// config_error. A whole number where a number is expected (retry-multiplier=2) is taken.
class caf_config : public caf::actor_system_config {
 public:
  caf_config();

  caf::error parse(string_list args, std::istream& ini);
  caf::error parse(string_list args, const char* ini_file = nullptr);
  caf::error parse(int argc, char** argv, std::istream& ini);
  caf::error parse(int argc, char** argv, const char* ini_file = nullptr);

  /// What the last parse() found wrong in the INI file, if anything.
  const std::optional<config_error>& file_problem() const noexcept { return file_problem_; }

  /// What --dump-config prints: CAF's settings with actortx.dashboard-token hidden and the
  /// DSN's password redacted.
  caf::settings dump_content() const override;

 private:
  caf::error parse_text(string_list args, const std::string& text, const std::string& name);

  std::optional<config_error> file_problem_;
};

/// Reads the "actortx" group of a parsed config (unset keys keep runtime_config's defaults)
/// and validates it. Throws config_error naming the bad key and value, also for an unknown
/// key in the group and for what caf_config::parse() found wrong in the INI file.
runtime_config read_config(const caf::actor_system_config& cfg);

/// Statements each connection keeps prepared: 0 when prepared statements are off.
inline size_t statement_cache_size(const runtime_config& cfg) noexcept {
  return cfg.statements.per_connection();
}

/// Parses "read_committed", "read committed", "serializable", ... (case-insensitive).
bool parse_isolation(const std::string& text, isolation& out) noexcept;

/// The DSN tests and tools use: $ACTORTX_DSN if set, else the first line of the file named by
/// $ACTORTX_DSN_FILE (written by the CTest fixture), else empty (neither set, or both empty).
/// A $ACTORTX_DSN_FILE that is missing, unreadable or has no DSN in its first line is an
/// error (std::runtime_error naming the file), never a silent fallback.
std::string dsn_from_environment();

}  // namespace actortx
