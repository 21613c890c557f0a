#include <unistd.h>

#include <cstdio>
#include <random>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/metrics_report.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/runtime.hpp>

#include "actors/lane/blocking_lane.hpp"
#include "actors/lane/lane_registry.hpp"
#include "actors/lane/record_outbox.hpp"
#include "actors/nodes/node_directory.hpp"
#include "actors/nodes/node_gateway.hpp"
#include "actors/observability/metrics_actor.hpp"
#include "actors/pg/canceller.hpp"
#include "actors/pool/pool_actor.hpp"
#include "actors/sagas/saga_recovery_actor.hpp"
#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/reply_timeout.hpp"
#include "runtime/facade/startup_checks.hpp"
#include "runtime/observability/http_server.hpp"
#include "runtime/observability/prometheus_text.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/saga_log.hpp"

namespace actortx {

namespace {

/// Extra time the blocking API waits beyond the deadline: the supervisor answers at the
/// deadline itself, so this only guards against a supervisor that is gone.

tx_outcome outcome_from_error(caf::actor_system& sys, const caf::error& err,
                              const tx_options& opts) {
  tx_outcome out;
  out.label = opts.label;
  out.state = tx_state::failed;
  out.code = errc::attempt_crashed;
  if (err.category() == errc_category) out.code = static_cast<errc>(err.code());
  out.message = sys.render(err);
  if (err == caf::sec::request_receiver_down) {
    // It never reached a living supervisor: nothing ran.
    out.code = errc::shutting_down;
    out.message = "the runtime's supervisor is gone (" + out.message + "); not run";
    return out;
  }
  if (err == caf::sec::request_timeout || out.code == errc::attempt_crashed) {
    // The supervisor answers every request by the deadline: no answer at all means it (or
    // the way to it) broke, and the transaction may have committed before that.
    out.state = tx_state::in_doubt;
    out.code = errc::timeout;
    out.message = "no answer from the supervisor (" + out.message +
                  "): the transaction may have committed; retry only with an idempotency key";
  }
  return out;
}

/// A request to `where`, answered within the deadline + reply_grace.
template <class Handle, class Work, class... Extra>
tx_outcome ask(caf::actor_system& sys, const Handle& where, const tx_options& opts,
               const Work& work, const Extra&... extra);

std::string default_node_id() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  return std::string{host} + ":" + std::to_string(getpid());
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

}  // namespace

local_body make_body(std::function<void(tx&)> fn, tx_hooks hooks) {
  std::shared_ptr<const tx_hooks> h;
  if (!hooks.empty()) h = std::make_shared<const tx_hooks>(std::move(hooks));
  return local_body{std::make_shared<body_state>(std::move(fn), std::move(h))};
}

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
  metrics_actor metrics;  // null when metrics are off
  std::unique_ptr<http_server> http;
  std::shared_ptr<const procedure_registry> procedures;
  node_directory_actor nodes;  // null unless networked
  supervisor_actor gateway;    // what the node publishes; null unless it listens
  uint16_t node_port = 0;

  impl(runtime_config c, saga_registry registry)
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

  void boot(caf::actor_system& s) {
    sys = &s;
    pool_settings ps;
    ps.dsn = dsn;
    ps.min_size = cfg.pool.min;
    ps.max_size = cfg.pool.max;
    ps.max_waiters = cfg.pool.max_waiters;
    ps.statement_cache_size = statement_cache_size(cfg);
    if (!cfg.hooks.empty()) ps.hooks = std::make_shared<const tx_hooks>(cfg.hooks);
    ps.desk = std::make_shared<connection_desk>();
    pool = spawn_pool(s, ps);
    if (cfg.node.networked()) {
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
    auto outbox = std::make_shared<record_outbox>();
    if (cfg.observability.enabled) {
      auto ms = metrics_settings_of(cfg);
      ms.outbox = outbox;
      metrics = spawn_metrics(s, pool, std::move(ms));
    }
    supervisor_settings ss;
    ss.metrics = metrics;
    cancel = std::make_shared<canceller>(cfg.transactions.cancel_grace);
    ss.cancel = cancel;
    ss.commit_grace = cfg.transactions.commit_grace;
    ss.acquire_timeout = cfg.pool.acquire_timeout;
    ss.long_running_threshold = cfg.transactions.long_running_threshold;
    ss.sagas = sagas;
    ss.saga = saga_cfg;
    ss.procedures = procedures;
    ss.deadlines = deadlines;
    ss.desk = ps.desk;
    ss.lane = std::make_shared<lane_registry>();
    ss.ids = std::make_shared<std::atomic<uint64_t>>(0);
    sup = spawn_supervisor(s, pool, ss);
    lane = lane_context{pool,    ps.desk, deadlines,
                        cancel,  ss.lane, ss.ids,
                        metrics, outbox,  cfg.transactions.commit_grace};
    if (!cfg.node.listen.empty()) publish(s);
    if (!sagas->empty()) {
      saga_recovery_settings rs;
      rs.interval = cfg.sagas.recovery_interval;
      recovery = spawn_saga_recovery(s, sup, sagas, saga_cfg, rs);
      log().info("sagas: node {} runs {} saga type(s); recovery every {} ms, lease {} ms",
                 saga_cfg->node_id, sagas->names().size(), cfg.sagas.recovery_interval.count(),
                 cfg.sagas.lease.count());
    }
    log().info("actortx runtime up: pool {}..{} on {}", cfg.pool.min, cfg.pool.max, redacted);
  }

  /// Publishes the gateway (the supervisor's public interface) on cfg.node.listen.
  void publish(caf::actor_system& s) {
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

  /// After boot, with the runtime complete: the handlers call its blocking API.
  void start_dashboard(runtime& rt) {
    if (!cfg.dashboard.enabled) return;
    http_routes routes;
    routes.metrics_text = [&rt] { return prometheus_text(rt.metrics()); };
    routes.dashboard_json = [&rt] { return to_json(rt.report(100)); };
    routes.transactions_csv = [&rt] { return transactions_csv(rt.report(10000).transactions); };
    try {
      http =
          std::make_unique<http_server>(cfg.dashboard.bind, cfg.dashboard.port, std::move(routes));
    } catch (const std::exception& e) {
      shutdown();
      throw startup_error(std::string{"cannot start the dashboard: "} + e.what());
    }
    log().info("dashboard on http://{}:{}/ (metrics on /metrics)", cfg.dashboard.bind,
               http->port());
  }

  /// New work is refused; running transactions get shutdown_grace to finish or reach their
  /// deadline; sagas stop and stay in the log for recovery.
  void drain(caf::scoped_actor& self) {
    const auto until = std::chrono::steady_clock::now() + cfg.transactions.shutdown_grace;
    uint64_t running = 0;
    for (;;) {
      running = 0;  // also when the supervisor does not answer: nothing to wait for then
      self->request(sup, std::chrono::seconds(1), drain_atom::value)
          .receive([&](uint64_t n) { running = n; },
                   [&](caf::error& err) { log().warn("drain: {}", sys->render(err)); });
      if (running == 0 || std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (running > 0)
      log().warn("shutdown: {} transaction(s) still running after the {} ms grace are stopped",
                 running, cfg.transactions.shutdown_grace.count());
  }

  void shutdown() {
    if (!sys) return;
    http.reset();  // its handlers call into the actors below
    // A published actor, or one a peer holds, keeps the actor system from ending until it
    // exits (CAF 0.17): the gateway and the directory's proxies go first.
    if (gateway) caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    if (nodes) caf::anon_send_exit(nodes, caf::exit_reason::user_shutdown);
    gateway = nullptr;
    nodes = nullptr;
    if (saga_cfg && saga_cfg->nodes) {
      // The saga settings hold a handle of the directory: drop it, so nothing keeps it alive.
      auto without = std::make_shared<saga_settings>(*saga_cfg);
      without->nodes = nullptr;
      saga_cfg = std::move(without);
    }
    if (lane.running) lane.running->drain();  // the blocking lane takes nothing new
    caf::scoped_actor self{*sys};
    drain(self);
    self->monitor(sup);
    self->monitor(pool);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
    self->send_exit(pool, caf::exit_reason::user_shutdown);
    int downs = 0;
    bool waiting = true;
    self->receive_while([&] { return waiting && downs < 2; })(
        [&](caf::down_msg&) { ++downs; },
        caf::after(std::chrono::seconds(10)) >> [&] { waiting = false; });
    sup = nullptr;
    pool = nullptr;
    if (metrics) caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
    metrics = nullptr;
  }
};

runtime::runtime(runtime_config cfg) : runtime(std::move(cfg), saga_registry{}) {}

runtime::runtime(caf::actor_system& sys, runtime_config cfg)
    : runtime(sys, std::move(cfg), saga_registry{}) {}

runtime::runtime(runtime_config cfg, saga_registry sagas)
    : impl_(std::make_unique<impl>(std::move(cfg), std::move(sagas))) {
  impl_->own_cfg = std::make_unique<caf_config>();
  auto threads = impl_->cfg.scheduler_threads != 0
                     ? impl_->cfg.scheduler_threads
                     : std::max<size_t>(1, std::thread::hardware_concurrency());
  impl_->own_cfg->set("scheduler.max-threads", threads);
  // Every transaction crosses threads four times (caller, scheduler, connection thread and
  // back). CAF's default "moderate" polling lets an idle worker sleep 50 us between looks at
  // its queue, which added ~150 us per transaction in bench/; skipping it goes straight to
  // the condition-variable wait that an enqueue wakes at once.
  impl_->own_cfg->set("work-stealing.moderate-poll-attempts", size_t{0});
  if (impl_->cfg.node.networked()) prepare_node_system(*impl_->own_cfg, impl_->cfg.node);
  impl_->own_sys = std::make_unique<caf::actor_system>(*impl_->own_cfg);
  impl_->boot(*impl_->own_sys);
  impl_->start_dashboard(*this);
}

runtime::runtime(caf::actor_system& sys, runtime_config cfg, saga_registry sagas)
    : impl_(std::make_unique<impl>(std::move(cfg), std::move(sagas))) {
  impl_->boot(sys);
  impl_->start_dashboard(*this);
}

runtime::~runtime() {
  impl_->shutdown();
  impl_->own_sys.reset();  // waits for the connection threads to end
}

tx_outcome runtime::transact(const tx_options& opts, std::function<void(tx&)> body) {
  return transact(opts, std::move(body), tx_hooks{});
}

namespace {

/// The blocking lane first (two thread hand-offs); the supervisor takes over a first attempt
/// that did not commit, and takes what the lane cannot (no idle connection, shutting down).
template <class Work>
tx_outcome run_blocking(caf::actor_system& sys, const lane_context& lane,
                        const supervisor_impl_actor& sup, const tx_options& opts,
                        const Work& work) {
  auto r = run_on_lane(lane, opts, work);
  if (r.outcome) return std::move(*r.outcome);
  if (r.handover) return ask(sys, sup, opts, work, *r.handover);
  return ask(sys, sup, opts, work);
}

}  // namespace

tx_outcome runtime::transact(const tx_options& opts, std::function<void(tx&)> body,
                             tx_hooks hooks) {
  auto work = make_body(std::move(body), std::move(hooks));
  const auto unwind = impl_->cfg.transactions.cancel_grace + std::chrono::milliseconds(250);
  tx_outcome out = run_blocking(*impl_->sys, impl_->lane, impl_->sup, opts, work);
  // The outcome may come at the deadline while the body still unwinds on its connection
  // thread; the body may capture our caller's locals by reference, so wait for it. A body
  // blocked in the database unwinds at once (its query is cancelled, its connection cut if the
  // server does not obey); one blocked in its own code cannot be stopped: say so, then wait.
  if (!work.state->wait_idle_for(unwind)) {
    log().error(
        "tx {} [{}] was answered {} but its body still runs {} ms later, outside the "
        "database (a body blocked in its own code cannot be stopped); the caller waits "
        "for it",
        out.id, out.label, to_string(out.state), unwind.count());
    work.state->wait_idle();
    log().warn("tx {} [{}]: its body returned", out.id, out.label);
  }
  return out;
}

tx_outcome runtime::transact(std::function<void(tx&)> body) {
  return transact(impl_->cfg.transactions.defaults, std::move(body));
}

tx_outcome runtime::transact(const tx_options& opts, const tx_script& script) {
  return run_blocking(*impl_->sys, impl_->lane, impl_->sup, opts, script);
}

saga_outcome runtime::run_saga(const std::string& type, saga_context context,
                               std::chrono::milliseconds timeout) {
  saga_request req;
  req.type = type;
  req.context = std::move(context);
  return run_saga(std::move(req), timeout);
}

saga_outcome runtime::run_saga(saga_request req, std::chrono::milliseconds timeout) {
  // The id is chosen here, so that even a timed-out caller can name the saga.
  if (req.id.empty()) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    req.id = make_saga_id(rng);
  }
  saga_outcome out;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->sup, timeout, saga_atom::value, req)
      .receive([&](saga_outcome& o) { out = std::move(o); },
               [&](caf::error& err) {
                 out.id = req.id;
                 out.type = req.type;
                 out.state = saga_state::failed;
                 out.code =
                     err == caf::sec::request_timeout ? errc::timeout : errc::attempt_crashed;
                 out.error = "no saga outcome: " + impl_->sys->render(err) +
                             " (the saga is durable: look it up by id " + req.id + ")";
               });
  return out;
}

std::vector<saga_info> runtime::running_sagas() {
  std::vector<saga_info> out;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->sup, std::chrono::seconds(5), sagas_atom::value)
      .receive([&](std::vector<saga_info>& v) { out = std::move(v); },
               [&](caf::error& err) { log().warn("running_sagas: {}", impl_->sys->render(err)); });
  return out;
}

std::vector<saga_info> runtime::sagas_in_state(saga_state state, size_t limit) {
  auto opts = impl_->saga_cfg->log_options;
  opts.read_only = true;
  opts.label = "actortx.saga_list";
  auto out = transact(opts, list_script(state, limit));
  if (!out.committed()) throw std::runtime_error("cannot read the saga log: " + out.message);
  return parse_list(out);
}

uint32_t runtime::recover_sagas_now() {
  if (!impl_->recovery) return 0;
  uint32_t n = 0;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->recovery, std::chrono::seconds(30), recover_atom::value)
      .receive(
          [&](uint32_t x) { n = x; },
          [&](caf::error& err) { log().warn("recover_sagas_now: {}", impl_->sys->render(err)); });
  return n;
}

const std::string& runtime::node_id() const noexcept {
  return impl_->saga_cfg->node_id;
}

supervisor_actor runtime::supervisor() const {
  return impl_->sup;
}
caf::actor_system& runtime::system() noexcept {
  return *impl_->sys;
}
const runtime_config& runtime::config() const noexcept {
  return impl_->cfg;
}
const std::string& runtime::redacted_dsn() const noexcept {
  return impl_->redacted;
}

pool_stats runtime::pool_snapshot() {
  pool_stats out;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->pool, std::chrono::seconds(5), stats_atom::value)
      .receive([&](pool_stats& s) { out = s; }, [&](caf::error&) {});
  return out;
}

std::vector<active_tx> runtime::active_transactions() {
  std::vector<active_tx> out;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->sup, std::chrono::seconds(5), active_atom::value)
      .receive(
          [&](std::vector<active_tx>& v) { out = std::move(v); },
          [&](caf::error& err) { log().warn("active_transactions: {}", impl_->sys->render(err)); });
  return out;
}

// --- observability -------------------------------------------------------------------------------

namespace {

/// Asks the metrics actor and returns its answer, or `fallback` (metrics off, no answer).
template <class T, class... Ts>
T ask_metrics(caf::actor_system& sys, const metrics_actor& m, T fallback, Ts&&... xs) {
  if (!m) return fallback;
  caf::scoped_actor self{sys};
  self->request(m, std::chrono::seconds(5), std::forward<Ts>(xs)...)
      .receive([&](T& x) { fallback = std::move(x); },
               [&](caf::error& err) { log().warn("metrics: {}", sys.render(err)); });
  return fallback;
}

}  // namespace

metrics_snapshot runtime::metrics() {
  return ask_metrics(*impl_->sys, impl_->metrics, metrics_snapshot{}, metrics_atom::value);
}

metrics_report runtime::report(size_t records) {
  auto r = ask_metrics(*impl_->sys, impl_->metrics, metrics_report{}, report_atom::value,
                       static_cast<uint64_t>(records));
  if (impl_->metrics) r.active = active_transactions();
  return r;
}

std::optional<tx_record> runtime::transaction_record(uint64_t id) {
  auto v = ask_metrics(*impl_->sys, impl_->metrics, std::vector<tx_record>{}, find_atom::value, id);
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

std::vector<tx_record> runtime::transaction_records(const std::string& label, size_t limit) {
  return ask_metrics(*impl_->sys, impl_->metrics, std::vector<tx_record>{}, find_atom::value, label,
                     static_cast<uint64_t>(limit));
}

std::vector<alert> runtime::alerts() {
  return ask_metrics(*impl_->sys, impl_->metrics, std::vector<alert>{}, alerts_atom::value);
}

void runtime::raise_alert(alert a) {
  if (impl_->metrics) caf::anon_send(impl_->metrics, std::move(a));
}

uint16_t runtime::dashboard_port() const noexcept {
  return impl_->http ? impl_->http->port() : 0;
}

}  // namespace actortx

namespace actortx {

namespace {

template <class Handle, class Work, class... Extra>
tx_outcome ask(caf::actor_system& sys, const Handle& where, const tx_options& opts,
               const Work& work, const Extra&... extra) {
  tx_outcome out;
  caf::scoped_actor self{sys};
  self->request(where, reply_timeout(opts), run_atom::value, opts, work, extra...)
      .receive([&](tx_outcome& o) { out = std::move(o); },
               [&](caf::error& err) { out = outcome_from_error(sys, err, opts); });
  return out;
}

/// A request to a peer node, watched: if the peer goes away before it answers, the caller
/// learns it at once (IN_DOUBT: it may have committed there) instead of at the timeout.
/// Sent as a plain message (its answer comes back as one), so that one receive can wait for
/// the answer, the peer's down message and the timeout together.
template <class Work>
tx_outcome ask_peer(caf::actor_system& sys, const supervisor_actor& where, const std::string& node,
                    const tx_options& opts, const Work& work) {
  tx_outcome out;
  caf::scoped_actor self{sys};
  self->monitor(where);
  self->send(where, run_atom::value, opts, work);
  self->receive([&](tx_outcome& o) { out = std::move(o); },
                [&](caf::error& err) { out = outcome_from_error(sys, err, opts); },
                [&](caf::down_msg& dm) {
                  out.label = opts.label;
                  out.state = tx_state::in_doubt;
                  out.code = errc::node_unreachable;
                  out.message = "node '" + node + "' went away before answering (" +
                                sys.render(dm.reason) +
                                "): the transaction may have committed there; retry only with an "
                                "idempotency key";
                },
                caf::after(reply_timeout(opts)) >>
                    [&] {
                      out.label = opts.label;
                      out.state = tx_state::in_doubt;
                      out.code = errc::timeout;
                      out.message = "node '" + node +
                                    "' did not answer within the deadline + 5 s: the "
                                    "transaction may have committed there; retry only with an "
                                    "idempotency key";
                    });
  self->demonitor(where.address());
  return out;
}

tx_outcome unreachable(const tx_options& opts, const std::string& why) {
  tx_outcome out;
  out.label = opts.label;
  out.state = tx_state::failed;
  out.code = errc::node_unreachable;
  out.message = why;
  return out;
}

}  // namespace

tx_outcome runtime::call(const tx_options& opts, const procedure_call& call) {
  return ask(*impl_->sys, caf::actor_cast<supervisor_actor>(impl_->sup), opts, call);
}

tx_outcome runtime::call_on(const std::string& node_name, const tx_options& opts,
                            const procedure_call& call) {
  try {
    return ask_peer(*impl_->sys, node(node_name), node_name, opts, call);
  } catch (const node_error& e) {
    return unreachable(opts, e.what());
  }
}

tx_outcome runtime::transact_on(const std::string& node_name, const tx_options& opts,
                                const tx_script& script) {
  try {
    return ask_peer(*impl_->sys, node(node_name), node_name, opts, script);
  } catch (const node_error& e) {
    return unreachable(opts, e.what());
  }
}

supervisor_actor runtime::node(const std::string& name) {
  if (!impl_->nodes)
    throw node_error("cannot reach node '" + name +
                     "': this runtime has no peers (set actortx.peers)");
  supervisor_actor out;
  std::string why;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->nodes, impl_->cfg.node.connect_timeout, connect_atom::value, name)
      .receive([&](supervisor_actor& h) { out = std::move(h); },
               [&](caf::error& err) {
                 why = reason_of(*impl_->sys, err);
                 if (err.category() != errc_category)
                   why = "cannot reach node '" + name + "': " + why;
               });
  if (!out) throw node_error(why);
  return out;
}

uint16_t runtime::node_port() const noexcept {
  return impl_->node_port;
}

}  // namespace actortx
