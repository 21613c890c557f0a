#include "actors/observability/metrics_actor.hpp"

#include <algorithm>
#include <map>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/record_outbox.hpp"
#include "runtime/observability/figure_text.hpp"
#include "runtime/observability/metrics_records.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

struct metrics_state {
  metrics_settings cfg;
  pool_actor pool;
  metrics_store store;
  alert_engine alerts;
  pool_gauges gauges;
  active_summary active;
  int64_t started_ns = 0;
  int64_t next_log_ns = 0;
  uint64_t finished_at_last_log = 0;
  int64_t last_log_ns = 0;
  bool outbox_scheduled = false;  // a delayed outbox_atom is on its way

  metrics_state() = default;
  static inline const char* name = "actortx.metrics";
};

using metrics_ptr = metrics_actor::stateful_pointer<metrics_state>;

int64_t now_ms() {
  return unix_now_us() / 1000;
}

void emit(metrics_ptr self, const alert& a) {
  const auto text = a.subject.empty() ? a.message : a.subject + ": " + a.message;
  switch (a.level) {
    case alert_level::info:
      log(log_component::metrics).info("alert [{}] {}", a.rule, text);
      break;
    case alert_level::warning:
      log(log_component::metrics).warn("alert [{}] {}", a.rule, text);
      break;
    case alert_level::error:
      log(log_component::metrics).error("alert [{}] {}", a.rule, text);
      break;
    case alert_level::critical:
      log(log_component::metrics).critical("alert [{}] {}", a.rule, text);
      break;
  }
  auto& sink = self->state.cfg.on_alert;
  if (!sink) return;
  try {
    sink(a);
  } catch (const std::exception& e) {
    log(log_component::metrics).error("the on_alert callback threw: {}", e.what());
  } catch (...) {
    log(log_component::metrics).error("the on_alert callback threw a non-standard exception");
  }
}

metrics_snapshot take_snapshot(metrics_ptr self) {
  auto& st = self->state;
  const auto now = now_ms();
  auto s = st.store.snapshot(now);
  s.identity = st.cfg.identity;
  s.uptime_seconds = static_cast<double>(steady_now_ns() - st.started_ns) / 1e9;
  s.pool = st.gauges;
  s.long_running = st.active.long_running;
  // Final states come from records, running ones from the supervisor's last summary.
  uint64_t total = 0;
  for (size_t i = 0; i < s.sagas.by_state.size() && i < st.active.sagas_by_state.size(); ++i)
    s.sagas.by_state[i] += st.active.sagas_by_state[i];
  for (auto n : s.sagas.by_state) total += n;
  s.sagas.started = std::max(s.sagas.started, total);
  const auto& history = st.alerts.history();
  const auto n = std::min(history.size(), st.cfg.snapshot_alerts);
  s.recent_alerts.assign(history.begin(), history.begin() + static_cast<std::ptrdiff_t>(n));
  s.open_alerts = static_cast<uint32_t>(st.alerts.open_count(now));
  s.health = assess_health(s, s.open_alerts, st.cfg.health);
  return s;
}

pool_gauges gauges_of(const pool_stats& p) {
  pool_gauges g;
  g.max = p.max;
  g.in_use = p.leased;
  g.idle = p.idle;
  g.waiting = p.waiting;
  g.leases = p.leases;
  g.leases_waited_over_100ms = p.leases_waited_over_100ms;
  g.exhausted = p.exhausted;
  g.lease_wait_sum_seconds = static_cast<double>(p.lease_wait_us) / 1e6;
  // A pool of an older build sends no histogram: then the buckets stay zeros.
  if (p.lease_wait_buckets.size() == lease_wait_bucket_count)
    g.lease_wait_buckets = p.lease_wait_buckets;
  g.replaced = p.replaced;
  g.connect_failures = p.connect_failures;
  g.retired = p.retired;
  g.resets = p.resets;
  return g;
}

void log_summary(metrics_ptr self, const metrics_snapshot& s) {
  auto& st = self->state;
  const auto now = steady_now_ns();
  const auto finished = s.overall.finished();
  const double secs = static_cast<double>(now - st.last_log_ns) / 1e9;
  const double rate =
      secs > 0 ? static_cast<double>(finished - st.finished_at_last_log) / secs : 0.0;
  st.last_log_ns = now;
  st.finished_at_last_log = finished;
  log(log_component::metrics)
      .info(
          "metrics: {} finished ({:.1f}/s), {:.1f} % succeeded, p50 {} p99 {}, active {}, "
          "retries {}, timeouts {}, in doubt {}; pool {}/{} in use, {} waiting; sagas {} running, "
          "{} "
          "failed; health {}",
          finished, rate, s.overall.success_rate * 100, ms_text(s.overall.p50_seconds),
          ms_text(s.overall.p99_seconds), s.overall.active, s.overall.retries, s.overall.timed_out,
          s.overall.in_doubt, s.pool.in_use, s.pool.max, s.pool.waiting,
          s.sagas.by_state[static_cast<size_t>(saga_state::executing)] +
              s.sagas.by_state[static_cast<size_t>(saga_state::compensating)] +
              s.sagas.by_state[static_cast<size_t>(saga_state::started)],
          s.sagas.by_state[static_cast<size_t>(saga_state::failed)], s.health.score);
}

/// Runs `then` once the pool's gauges are fresh (or, if the pool does not answer within a
/// second, with the last ones): a snapshot asked for right after a burst must show it.
template <class F>
void with_fresh_pool(metrics_ptr self, F then) {
  self->request(self->state.pool, std::chrono::seconds(1), stats_atom::value)
      .then(
          [self, then](pool_stats& p) mutable {
            self->state.gauges = gauges_of(p);
            then();
          },
          [then](caf::error&) mutable { then(); });
}

/// Whether a record may raise an alert: the library's own transactions never do (a user
/// cannot act on advice about the saga log); sagas always may.
bool alerts_on(const tx_record& r) {
  return !r.internal && !is_internal_label(r.label);
}
bool alerts_on(const saga_record&) {
  return true;
}

/// A finished transaction or saga: into the store, and past the event alert rules.
template <class Record>
void add_record(metrics_ptr self, const Record& r) {
  auto& st = self->state;
  st.store.add(r);
  if (!alerts_on(r)) return;
  if (auto a = st.alerts.on_record(r, now_ms())) emit(self, *a);
}

/// The lane's records, before anything is read or evaluated.
void take_outbox(metrics_ptr self) {
  if (!self->state.cfg.outbox) return;
  for (auto& r : self->state.cfg.outbox->take_all()) add_record(self, r);
}

void on_tick(metrics_ptr self) {
  auto& st = self->state;
  take_outbox(self);
  with_fresh_pool(self, [] {});
  auto s = take_snapshot(self);
  for (auto& a : st.alerts.evaluate(s, now_ms())) emit(self, a);
  const auto now = steady_now_ns();
  if (st.cfg.log_interval.count() > 0 && now >= st.next_log_ns) {
    st.next_log_ns = now + to_ns(st.cfg.log_interval);
    log_summary(self, s);
  }
  self->delayed_send(self, st.cfg.tick, tick_atom::value);
}

/// From the lane (records arrived in an empty outbox): take them a little later, in one batch.
/// From ourselves: now. An extra early take is harmless.
void on_outbox(metrics_ptr self) {
  auto& st = self->state;
  if (!st.outbox_scheduled) {
    st.outbox_scheduled = true;
    self->delayed_send(self, st.cfg.outbox_delay, outbox_atom::value);
    return;
  }
  st.outbox_scheduled = false;
  take_outbox(self);
}

void raise_alert(metrics_ptr self, alert& a) {
  const auto now = now_ms();
  if (a.unix_ms == 0) a.unix_ms = now;
  if (auto raised = self->state.alerts.raise(std::move(a), now)) emit(self, *raised);
}

void set_active(metrics_ptr self, active_summary& s) {
  std::map<std::string, int64_t> labels;
  for (auto& l : s.by_label) labels[l.label] = l.count;
  self->state.store.set_active(s.transactions, labels);
  self->state.active = std::move(s);
}

caf::typed_response_promise<metrics_snapshot> answer_snapshot(metrics_ptr self) {
  take_outbox(self);
  auto rp = self->make_response_promise<metrics_snapshot>();
  with_fresh_pool(self, [=]() mutable { rp.deliver(take_snapshot(self)); });
  return rp;
}

caf::typed_response_promise<metrics_report> answer_report(metrics_ptr self, uint64_t records) {
  take_outbox(self);
  auto rp = self->make_response_promise<metrics_report>();
  with_fresh_pool(self, [=]() mutable {
    metrics_report r;
    r.snapshot = take_snapshot(self);
    r.transactions = self->state.store.recent(records);
    r.sagas = self->state.store.recent_sagas(records);
    rp.deliver(std::move(r));
  });
  return rp;
}

std::vector<tx_record> find_by_id(metrics_ptr self, uint64_t id) {
  take_outbox(self);
  std::vector<tx_record> out;
  if (auto r = self->state.store.find(id)) out.push_back(std::move(*r));
  return out;
}

std::vector<tx_record> find_by_label(metrics_ptr self, const std::string& label, uint64_t limit) {
  take_outbox(self);
  return self->state.store.by_label(label, limit);
}

std::vector<tx_record> find_of_saga(metrics_ptr self, const std::string& saga_id, uint64_t limit) {
  take_outbox(self);
  return self->state.store.of_saga(saga_id, limit);
}

std::vector<alert> alert_history(metrics_ptr self) {
  take_outbox(self);
  const auto& h = self->state.alerts.history();
  return std::vector<alert>(h.begin(), h.end());
}

metrics_actor::behavior_type metrics_fn(metrics_ptr self, pool_actor pool, metrics_settings cfg) {
  auto& st = self->state;
  st.store = metrics_store{cfg.store};
  st.alerts = alert_engine{cfg.alerts};
  st.pool = std::move(pool);
  st.cfg = std::move(cfg);
  st.started_ns = steady_now_ns();
  st.last_log_ns = st.started_ns;
  st.next_log_ns = st.started_ns + to_ns(st.cfg.log_interval);
  self->send(self, tick_atom::value);
  return {
      [=](tx_record& r) { add_record(self, r); },
      [=](outbox_atom) { on_outbox(self); },
      [=](saga_record& r) { add_record(self, r); },
      [=](alert& a) { raise_alert(self, a); },
      [=](summary_atom, active_summary& s) { set_active(self, s); },
      [=](metrics_atom) { return answer_snapshot(self); },
      [=](report_atom, uint64_t records) { return answer_report(self, records); },
      [=](find_atom, uint64_t id) { return find_by_id(self, id); },
      [=](find_atom, const std::string& label, uint64_t limit) {
        return find_by_label(self, label, limit);
      },
      [=](find_atom, saga_atom, const std::string& saga_id, uint64_t limit) {
        return find_of_saga(self, saga_id, limit);
      },
      [=](alerts_atom) { return alert_history(self); },
      [=](tick_atom) { on_tick(self); },
  };
}

}  // namespace

metrics_actor spawn_metrics(caf::actor_system& sys, pool_actor pool, metrics_settings settings) {
  return sys.spawn(metrics_fn, std::move(pool), std::move(settings));
}

}  // namespace actortx
