// The runtime's private half: what it owns and how it boots and stops (runtime.hpp's pimpl).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include <actortx/runtime.hpp>

#include "actors/lane/blocking_lane.hpp"
#include "actors/listen/listener_registry.hpp"
#include "actors/maintenance/pruner_actor.hpp"
#include "actors/observability/metrics_actor.hpp"
#include "actors/pg/canceller.hpp"
#include "actors/pool/pool_actor.hpp"
#include "actors/sagas/saga_actor.hpp"
#include "actors/sagas/saga_manager.hpp"
#include "actors/sagas/saga_recovery_actor.hpp"
#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/interfaces.hpp"
#include "runtime/observability/exporter_registry.hpp"
#include "runtime/observability/http_server.hpp"

namespace actortx {

struct runtime::impl {
  runtime_config cfg;
  std::shared_ptr<const saga_registry> sagas;
  std::shared_ptr<const saga_settings> saga_cfg;
  saga_recovery_actor recovery;
  std::string dsn;
  std::string redacted;
  std::unique_ptr<caf_config> own_cfg;
  std::unique_ptr<caf::actor_system> own_sys;
  caf::actor_system* sys = nullptr;
  pool_actor pool;
  std::shared_ptr<canceller> cancel;
  std::shared_ptr<deadline_queue> deadlines = std::make_shared<deadline_queue>();
  lane_context lane;  // the blocking API's direct way to an idle connection
  supervisor_impl_actor sup;
  metrics_actor metrics;                      // null when metrics are off
  std::unique_ptr<http_server> http;          // the dashboard; null when off
  std::unique_ptr<http_server> metrics_http;  // the metrics endpoint; null when off
  /// This runtime among the process's metrics sources (any runtime's /metrics exports it);
  /// empty when metrics are off. Released before the actors stop.
  exporter_token metrics_export;
  /// Set by saga recovery once it caught up after start (readiness).
  std::shared_ptr<std::atomic<bool>> sagas_caught_up = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<const procedure_registry> procedures;
  node_directory_actor nodes;  // null unless networked
  supervisor_actor gateway;    // what the node publishes; null unless it listens
  uint16_t node_port = 0;
  pruner_actor pruner;  // retention: prunes finished sagas and old idempotency keys
  /// runtime::listen's listeners: stopped first on shutdown (they may send to actors).
  listener_registry listeners;

  /// Validates the config, resolves the DSN and checks the server (runtime_boot.cpp).
  impl(runtime_config c, saga_registry registry);
  /// Spawns pool, metrics, supervisor, node directory, saga manager, recovery and the pruner
  /// on `s`.
  void boot(caf::actor_system& s);
  /// Publishes the gateway (the supervisor's public interface) on cfg.node.listen.
  void publish(caf::actor_system& s);
  /// After boot, with the runtime complete: its registration as a metrics source of the
  /// process, then the dashboard and the metrics endpoint, whose handlers call its blocking
  /// API (runtime_http.cpp).
  void start_http(runtime& rt);
  /// /healthz: whether pool, supervisor (with the saga manager) and metrics actor answer within
  /// a second (runtime_probes.cpp).
  http_reply liveness();
  /// New work is refused; running transactions get shutdown_grace to finish or reach their
  /// deadline; sagas stop and stay in the log for recovery (runtime_shutdown.cpp).
  void drain(caf::scoped_actor& self);
  void shutdown();
  /// Starts a listener on its own connection and thread (runtime_listen.cpp).
  listen_handle listen(const std::string& channel, listen_sink sink);

 private:
  pool_settings pool_settings_of() const;
  supervisor_settings supervisor_settings_of(const pool_settings& ps) const;
  void spawn_node_directory_if_networked(caf::actor_system& s);
  /// The saga manager (handed to the supervisor), and saga recovery if there are saga types.
  void spawn_sagas(caf::actor_system& s, std::shared_ptr<saga_census> census);
  void start_dashboard(runtime& rt);
  void start_metrics_endpoint(runtime& rt);
};

}  // namespace actortx
