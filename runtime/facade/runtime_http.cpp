// The runtime's exports: its registration as one of the process's metrics sources, and its
// HTTP servers: the dashboard (page, JSON, CSV, sagas, /metrics and the probes, behind the
// token when one is configured) and the metrics endpoint (/metrics, /healthz and /readyz alone,
// for Prometheus and orchestrators). /metrics on either serves every runtime of the process.
#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/metrics_report.hpp>

#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/observability/saga_api.hpp"

namespace actortx {

namespace {

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

/// /readyz: "ready", or 503 with why not.
http_reply readiness_reply(runtime& rt) {
  auto r = rt.ready();
  if (r.ready) return {200, "ready"};
  return {503, "not ready: " + r.reason};
}

/// What both servers have: /metrics and the probes.
http_routes probe_routes(runtime& rt, std::function<http_reply()> liveness) {
  http_routes routes;
  // Every runtime of the process, so that one scrape target exports them all.
  routes.metrics_text = [] { return process_metrics_text(); };
  routes.healthz = std::move(liveness);
  routes.readyz = [&rt] { return readiness_reply(rt); };
  return routes;
}

}  // namespace

void runtime::impl::start_http(runtime& rt) {
  if (metrics) metrics_export = register_metrics_source([&rt] { return rt.metrics(); });
  start_dashboard(rt);
  start_metrics_endpoint(rt);
}

void runtime::impl::start_dashboard(runtime& rt) {
  if (!cfg.dashboard.enabled) return;
  auto routes = probe_routes(rt, [this] { return liveness(); });
  routes.dashboard_json = [&rt] { return to_json(rt.report(100)); };
  routes.transactions_csv = [&rt] { return transactions_csv(rt.report(10000).transactions); };
  routes.saga_list = [sagas = dashboard_saga_source(rt)](std::string_view q) {
    return saga_list_reply(q, sagas);
  };
  routes.saga_detail = [sagas = dashboard_saga_source(rt)](std::string_view id) {
    return saga_detail_reply(id, sagas);
  };
  try {
    http = std::make_unique<http_server>(cfg.dashboard.bind, cfg.dashboard.port, std::move(routes),
                                         cfg.dashboard.token);
  } catch (const std::exception& e) {
    shutdown();
    throw startup_error(std::string{"cannot start the dashboard: "} + e.what());
  }
  // The URL without the token: it is a secret, and never logged.
  log(log_component::metrics)
      .info("dashboard on {} (metrics on /metrics, probes on /healthz and /readyz{})", http->url(),
            cfg.dashboard.token.empty() ? "" : "; every request must carry the dashboard token");
}

void runtime::impl::start_metrics_endpoint(runtime& rt) {
  if (!cfg.metrics_endpoint.enabled) return;
  auto routes = probe_routes(rt, [this] { return liveness(); });
  routes.page = false;
  try {
    metrics_http = std::make_unique<http_server>(cfg.metrics_endpoint.bind,
                                                 cfg.metrics_endpoint.port, std::move(routes));
  } catch (const std::exception& e) {
    shutdown();
    throw startup_error(std::string{"cannot start the metrics endpoint: "} + e.what());
  }
  log(log_component::metrics)
      .info("metrics endpoint on {}metrics (probes on /healthz and /readyz)", metrics_http->url());
}

}  // namespace actortx
