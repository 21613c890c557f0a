// How a runtime starts: the config checked, the server probed, then the actors spawned in order
// (pool, node directory, metrics, supervisor, saga manager and recovery, gateway) and the
// dashboard.
#include <unistd.h>

#include <cstdio>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/metrics_report.hpp>

#include "actors/lane/lane_registry.hpp"
#include "actors/lane/record_outbox.hpp"
#include "actors/nodes/node_directory.hpp"
#include "actors/nodes/node_gateway.hpp"
#include "actors/sagas/saga_operator.hpp"
#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/facade/startup_checks.hpp"
#include "runtime/observability/prometheus_text.hpp"
#include "runtime/observability/saga_api.hpp"

namespace actortx {

namespace {

std::string default_node_id() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  return std::string{host} + ":" + std::to_string(getpid());
}

/// The dashboard's saga views ask the supervisor's saga operator, as any operator does; from a
/// civetweb thread, so a blocking request with a timeout is fine there.
saga_source dashboard_saga_source(runtime& rt) {
  constexpr auto timeout = std::chrono::seconds(5);
  return {[&rt, timeout](const saga_filter& f) {
            return query<std::vector<saga_info>>(rt.system(), rt.supervisor(), timeout, "saga list",
                                                 saga_atom::value, f);
          },
          [&rt, timeout](const std::string& id) {
            return query<saga_detail>(rt.system(), rt.supervisor(), timeout, "saga lookup",
                                      saga_atom::value, saga_lookup{id});
          }};
}

metrics_settings metrics_settings_of(const runtime_config& cfg) {
  metrics_settings m;
  m.store.ring_capacity = cfg.observability.ring;
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
  if (!set_log_level(cfg.log_level))
    throw config_error("actortx.log-level", cfg.log_level, "unknown level");
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
    recovery = spawn_saga_recovery(s, sup, host, sagas, saga_cfg, rs);
  }
  // Always: a runtime without saga types (the actortx-saga tool's) operates on the log too.
  spawn_saga_operator(s, sup, saga_operator_settings{saga_cfg, host, recovery});
  if (sagas->empty()) return;
  log().info("sagas: node {} runs {} saga type(s); recovery every {} ms, lease {} ms",
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
    auto ms = metrics_settings_of(cfg);
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
  log().info("actortx runtime up: pool {}..{} on {}", cfg.pool.min, cfg.pool.max, redacted);
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
  log().info("node {} listening on {}:{} ({})", saga_cfg->node_id, ep.host, node_port,
             cfg.node.tls() ? "TLS, peers must present a certificate signed by the CA"
                            : "plain TCP, loopback development only");
}

void runtime::impl::start_dashboard(runtime& rt) {
  if (!cfg.dashboard.enabled) return;
  http_routes routes;
  routes.metrics_text = [&rt] { return prometheus_text(rt.metrics()); };
  routes.dashboard_json = [&rt] { return to_json(rt.report(100)); };
  routes.transactions_csv = [&rt] { return transactions_csv(rt.report(10000).transactions); };
  routes.saga_list = [sagas = dashboard_saga_source(rt)](std::string_view q) {
    return saga_list_reply(q, sagas);
  };
  routes.saga_detail = [sagas = dashboard_saga_source(rt)](std::string_view id) {
    return saga_detail_reply(id, sagas);
  };
  try {
    http = std::make_unique<http_server>(cfg.dashboard.bind, cfg.dashboard.port, std::move(routes));
  } catch (const std::exception& e) {
    shutdown();
    throw startup_error(std::string{"cannot start the dashboard: "} + e.what());
  }
  log().info("dashboard on http://{}:{}/ (metrics on /metrics)", cfg.dashboard.bind, http->port());
}

}  // namespace actortx
