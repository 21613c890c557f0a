// How a runtime starts: the config checked, the server probed, then the actors spawned in order
// (pool, node directory, metrics, supervisor, saga manager and recovery, gateway). The HTTP
// servers come after, in runtime_http.cpp.
#include <unistd.h>

#include <cstdio>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>

#include "actors/lane/lane_registry.hpp"
#include "actors/lane/record_outbox.hpp"
#include "actors/nodes/node_directory.hpp"
#include "actors/nodes/node_gateway.hpp"
#include "actors/sagas/saga_operator.hpp"
#include "runtime/config/dsn_endpoint.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/facade/startup_checks.hpp"

namespace actortx {

namespace {

std::string default_node_id() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  return std::string{host} + ":" + std::to_string(getpid());
}

/// Who this runtime is on every exported series: the database from the DSN (libpq's defaults
/// where it says nothing), host and port, never the password.
runtime_identity identity_of(const runtime_config& cfg, const std::string& dsn) {
  auto where = dsn_endpoint_of(dsn);
  runtime_identity id;
  id.db_namespace = where.dbname;
  id.runtime =
      cfg.observability.runtime_name.empty() ? where.dbname : cfg.observability.runtime_name;
  id.pool_name = id.runtime;
  id.server = where.host + ":" + where.port;
  return id;
}

metrics_settings metrics_settings_of(const runtime_config& cfg, const std::string& dsn) {
  metrics_settings m;
  m.identity = identity_of(cfg, dsn);
  m.store.ring_capacity = cfg.observability.ring;
  m.store.max_labels = cfg.observability.max_labels;
  m.store.trend_bucket = cfg.observability.trend_bucket;
  m.alerts = cfg.observability.alerts;
  m.health.latency_target = cfg.observability.health_latency_target;
  m.health.pool_max = static_cast<uint32_t>(cfg.pool.max);
  m.health.deadline = cfg.transactions.defaults.timeout;
  m.health.max_retries = cfg.transactions.defaults.retry.max_retries;
  m.log_interval = cfg.observability.log_interval;
  m.on_alert = cfg.observability.on_alert;
  return m;
}

std::shared_ptr<const saga_settings> make_saga_settings(const runtime_config& cfg) {
  auto s = std::make_shared<saga_settings>();
  s->node_id = cfg.sagas.node_id.empty() ? default_node_id() : cfg.sagas.node_id;
  s->lease = cfg.sagas.lease;
  s->step_defaults = cfg.transactions.defaults;
  auto& log_opts = s->log_options;
  log_opts.label = "actortx.saga_log";
  log_opts.timeout = std::chrono::seconds(10);
  log_opts.retry.initial_delay = std::chrono::milliseconds(50);
  log_opts.retry.max_delay = std::chrono::seconds(2);
  log_opts.retry.max_retries = 5;
  return s;
}

pruner_settings pruner_settings_of(const runtime_config& cfg, const std::string& node_id) {
  pruner_settings p;
  p.node_id = node_id;
  p.retention = cfg.retention.retention;
  p.interval = cfg.retention.prune_interval;
  p.batch = static_cast<uint32_t>(cfg.retention.prune_batch);
  return p;
}

}  // namespace

runtime::impl::impl(runtime_config c, saga_registry registry)
    : cfg(std::move(c)),
      sagas(std::make_shared<const saga_registry>(std::move(registry))),
      saga_cfg(make_saga_settings(cfg)),
      procedures(std::make_shared<const procedure_registry>(cfg.procedures)) {
  validate(cfg);
  if (cfg.logger) set_log_destination(cfg.logger);
  if (!set_log_level(cfg.log_level))
    throw config_error("actortx.log-level", cfg.log_level, "unknown level");
  if (!set_log_levels(cfg.log_levels))
    throw config_error("actortx.log-levels", cfg.log_levels, log_levels_problem(cfg.log_levels));
  dsn = resolve_dsn(cfg);
  redacted = redact_dsn(dsn);
  probe_server(dsn, cfg, !sagas->empty());
}

pool_settings runtime::impl::pool_settings_of() const {
  pool_settings ps;
  ps.dsn = dsn;
  ps.min_size = cfg.pool.min;
  ps.max_size = cfg.pool.max;
  ps.max_waiters = cfg.pool.max_waiters;
  ps.statement_cache_size = statement_cache_size(cfg);
  if (!cfg.hooks.empty()) ps.hooks = std::make_shared<const tx_hooks>(cfg.hooks);
  ps.desk = std::make_shared<connection_desk>();
  ps.max_lifetime = cfg.pool.max_lifetime;
  ps.idle_timeout = cfg.pool.idle_timeout;
  ps.reset_session = cfg.pool.reset_session;
  return ps;
}

supervisor_settings runtime::impl::supervisor_settings_of(const pool_settings& ps) const {
  supervisor_settings ss;
  ss.metrics = metrics;
  ss.cancel = cancel;
  ss.commit_grace = cfg.transactions.commit_grace;
  ss.acquire_timeout = cfg.pool.acquire_timeout;
  ss.long_running_threshold = cfg.transactions.long_running_threshold;
  ss.procedures = procedures;
  ss.deadlines = deadlines;
  ss.desk = ps.desk;
  ss.lane = std::make_shared<lane_registry>();
  ss.ids = std::make_shared<std::atomic<uint64_t>>(0);
  return ss;
}

void runtime::impl::spawn_node_directory_if_networked(caf::actor_system& s) {
  if (!cfg.node.networked()) return;
  if (!s.has_middleman())
    throw config_error("actortx.listen", cfg.node.listen,
                       "the actor system has no middleman: call "
                       "actortx::prepare_node_system() on its config before creating it");
  if (cfg.node.tls() && !s.has_openssl_manager())
    throw config_error("actortx.tls-cert", cfg.node.tls_cert,
                       "the actor system has no caf::openssl manager: call "
                       "actortx::prepare_node_system() on its config before creating it");
  nodes = spawn_node_directory(s, cfg.node);
  auto with_nodes = std::make_shared<saga_settings>(*saga_cfg);
  with_nodes->nodes = nodes;
  with_nodes->connect_timeout = cfg.node.connect_timeout;
  saga_cfg = std::move(with_nodes);
}

void runtime::impl::spawn_sagas(caf::actor_system& s, std::shared_ptr<saga_census> census) {
  // Always: a saga request to a node without saga types is answered by the manager too.
  auto host = spawn_saga_manager(
      s, sup,
      saga_manager_settings{sagas, saga_cfg, metrics, std::move(census), cfg.sagas.max_running});
  if (!sagas->empty()) {
    saga_recovery_settings rs;
    rs.interval = cfg.sagas.recovery_interval;
    rs.unknown_version_grace = cfg.sagas.unknown_version_grace;
    rs.caught_up = sagas_caught_up;
    recovery = spawn_saga_recovery(s, sup, host, sagas, saga_cfg, rs);
  }
  // Always: a runtime without saga types (the actortx-saga tool's) operates on the log too.
  spawn_saga_operator(s, sup, saga_operator_settings{saga_cfg, host, recovery});
  if (sagas->empty()) return;
  log(log_component::runtime)
      .info("sagas: node {} runs {} saga type(s); recovery every {} ms, lease {} ms",
            saga_cfg->node_id, sagas->names().size(), cfg.sagas.recovery_interval.count(),
            cfg.sagas.lease.count());
}

void runtime::impl::boot(caf::actor_system& s) {
  sys = &s;
  auto ps = pool_settings_of();
  pool = spawn_pool(s, ps);
  spawn_node_directory_if_networked(s);
  auto outbox = std::make_shared<record_outbox>();
  if (cfg.observability.enabled) {
    auto ms = metrics_settings_of(cfg, dsn);
    ms.outbox = outbox;
    metrics = spawn_metrics(s, pool, std::move(ms));
  }
  cancel = std::make_shared<canceller>(cfg.transactions.cancel_grace);
  auto ss = supervisor_settings_of(ps);
  auto census = std::make_shared<saga_census>();  // the saga manager's, in the summary
  ss.add_to_summary = [census](active_summary& a) { census->add_to(a); };
  sup = spawn_supervisor(s, pool, ss);
  spawn_sagas(s, std::move(census));
  // Always: idempotency keys pile up without sagas too.
  pruner = spawn_pruner(s, sup, pruner_settings_of(cfg, saga_cfg->node_id));
  lane = lane_context{pool,    ps.desk, deadlines,
                      cancel,  ss.lane, ss.ids,
                      metrics, outbox,  cfg.transactions.commit_grace};
  if (!cfg.node.listen.empty()) publish(s);
  log(log_component::runtime)
      .info("actortx runtime up: pool {}..{} on {}", cfg.pool.min, cfg.pool.max, redacted);
}

void runtime::impl::publish(caf::actor_system& s) {
  auto ep = parse_endpoint("actortx.listen", cfg.node.listen);
  gateway = spawn_node_gateway(s, caf::actor_cast<supervisor_actor>(sup));
  auto port = cfg.node.tls() ? caf::openssl::publish(gateway, ep.port, ep.host.c_str(), true)
                             : s.middleman().publish(gateway, ep.port, ep.host.c_str(), true);
  if (!port) {
    auto why = s.render(port.error());
    shutdown();
    throw startup_error("cannot publish the node on " + cfg.node.listen + ": " + why);
  }
  node_port = *port;
  log(log_component::runtime)
      .info("node {} listening on {}:{} ({})", saga_cfg->node_id, ep.host, node_port,
            cfg.node.tls() ? "TLS, peers must present a certificate signed by the CA"
                           : "plain TCP, loopback development only");
}

}  // namespace actortx
