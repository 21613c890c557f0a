// The actortx keys declared as CAF options, once for caf_config and the strict checks.
#include "runtime/config/options.hpp"

#include <vector>

#include <caf/config_option_adder.hpp>
#include <caf/timespan.hpp>

namespace actortx::config_detail {

namespace {

void add_pool_options(caf::config_option_adder group) {
  group.add<std::string>("dsn", "libpq DSN or postgresql:// URI (default: $ACTORTX_DSN)")
      .add<size_t>("pool-min", "connections kept open (default 1)")
      .add<size_t>("pool-max", "most connections (default 8)")
      .add<size_t>("pool-max-waiters", "bound of the lease queue (default 10000)")
      .add<caf::timespan>("acquire-timeout", "longest wait for a connection (default 5s)")
      .add<caf::timespan>("connect-timeout", "libpq connect timeout, >= 1s (default 5s)")
      .add<caf::timespan>("pool-max-lifetime",
                          "close connections older than this when idle, 0 = never (default 1h)")
      .add<caf::timespan>("pool-idle-timeout",
                          "close connections beyond pool-min idle this long, 0 = never "
                          "(default 10min)")
      .add<bool>("pool-reset-session",
                 "reset a session a body changed before the next lease (default true)");
}

void add_transaction_options(caf::config_option_adder group) {
  group.add<caf::timespan>("tx-timeout", "default transaction deadline (default 30s)")
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
                          "age at which a transaction is logged as long-running (default 5s)");
}

void add_runtime_options(caf::config_option_adder group) {
  group
      .add<bool>("prepared-statements",
                 "statements run prepared, cached per connection (default true; false for "
                 "a pooler in transaction mode)")
      .add<size_t>("prepared-statement-cache",
                   "prepared statements per connection, LRU, 1..10000 (default 256)")
      .add<size_t>("scheduler-threads", "CAF scheduler threads, 0 = cores (default 0)")
      .add<std::string>("log-level", "trace, debug, info, warn, error, critical, off")
      .add<std::string>("log-levels", "levels per component, e.g. pool=debug,saga=warn")
      .add<std::string>("node-id", "owner name of this node's sagas (default host:pid)")
      .add<caf::timespan>("saga-lease", "lease of a node on its sagas (default 30s)")
      .add<caf::timespan>("saga-recovery-interval",
                          "between looks for orphaned sagas (default 10s)")
      .add<size_t>("saga-max-running", "sagas driven at once, more wait (default 1000)")
      .add<caf::timespan>("saga-unknown-version-grace",
                          "unclaimed saga of an unknown version: FAILED after (default 1h)")
      .add<caf::timespan>("retention", "finished sagas and idempotency keys kept (default 168h)")
      .add<caf::timespan>("prune-interval", "between pruning rounds, 0 = never (default 10min)")
      .add<size_t>("prune-batch", "rows deleted per pruning transaction (default 1000)");
}

void add_node_options(caf::config_option_adder group) {
  group.add<std::string>("listen", "publish this node's supervisor on host:port (0 = any port)")
      .add<std::string>("tls-cert", "PEM certificate of this node")
      .add<std::string>("tls-key", "PEM private key of this node")
      .add<std::string>("tls-ca", "PEM CA that signs the peers' certificates")
      .add<bool>("plain-tcp", "no TLS between nodes: loopback development only")
      .add<std::vector<std::string>>("peers", "other nodes as [\"name=host:port\", ...]")
      .add<caf::timespan>("node-connect-timeout", "wait for a peer to connect (default 5s)");
}

void add_observability_options(caf::config_option_adder group) {
  group.add<bool>("metrics", "keep metrics, alerts and the health score (default true)")
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
      .add<std::string>("runtime-name", "runtime label on every series (default: database name)")
      .add<size_t>("metrics-max-labels", "labels exported one by one, 1..10000 (default 100)");
}

void add_http_options(caf::config_option_adder group) {
  group.add<bool>("dashboard", "serve the live dashboard and /metrics (default false)")
      .add<std::string>("dashboard-bind", "address of the dashboard (default 127.0.0.1)")
      .add<size_t>("dashboard-port", "port of the dashboard, 0 = any free (default 8090)")
      .add<std::string>("dashboard-token",
                        "secret every dashboard request carries, >= 16 characters; required "
                        "beyond loopback")
      .add<bool>("metrics-endpoint", "serve /metrics, /healthz, /readyz alone (default false)")
      .add<std::string>("metrics-bind", "address of the metrics endpoint (default 127.0.0.1)")
      .add<size_t>("metrics-port", "port of the metrics endpoint, 0 = any free (default 9187)");
}

}  // namespace

void add_actortx_options(caf::config_option_set& options) {
  add_pool_options({options, "actortx"});
  add_transaction_options({options, "actortx"});
  add_runtime_options({options, "actortx"});
  add_node_options({options, "actortx"});
  add_observability_options({options, "actortx"});
  add_http_options({options, "actortx"});
}

const caf::config_option_set& actortx_options() {
  static const caf::config_option_set options = [] {
    caf::config_option_set out;
    add_actortx_options(out);
    return out;
  }();
  return options;
}

std::string expected_text(const caf::config_option& option) {
  const std::string type{option.type_name().begin(), option.type_name().end()};
  if (type == "uint64") return "a count (a whole number, at least 0)";
  if (type == "real64") return "a number";
  if (type == "timespan") return "a duration with a unit, such as 250ms, 5s or 1min";
  if (type == "boolean") return "true or false";
  if (type == "string") return "a string in double quotes";
  if (type == "list of string") return "a list of strings in double quotes, such as [\"a\"]";
  return "a value of type " + type;
}

}  // namespace actortx::config_detail
