#include "exposition_prometheus_cpp.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <unordered_map>
#include <vector>

#include "runtime/observability/prometheus_families.hpp"

namespace bench {

using namespace actortx;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;

namespace {

/// A family's metrics by a key of ours, so a sync looks a series up by one string instead of
/// building its label map (the labels are built once, when the series first appears).
template <class M>
struct keyed {
  Family<M>* family = nullptr;
  std::unordered_map<std::string, M*> metrics;

  template <class MakeLabels, class... Args>
  M& get(const std::string& key, MakeLabels make_labels, Args&&... args) {
    auto i = metrics.find(key);
    if (i != metrics.end()) return *i->second;
    auto& m = family->Add(make_labels(), std::forward<Args>(args)...);
    metrics.emplace(key, &m);
    return m;
  }
};

struct histogram_state {
  Histogram* h = nullptr;
  std::vector<uint64_t> seen;  // buckets already observed (non-cumulative)
  double seen_sum = 0;
};

void counter_to(Counter& c, double value) {
  const double d = value - c.Value();
  if (d > 0) c.Increment(d);
}

/// Brings `st` to `buckets`/`sum` by observing the increase.
void histogram_to(histogram_state& st, const std::vector<uint64_t>& buckets, double sum) {
  std::vector<double> increments(buckets.size());
  st.seen.resize(buckets.size());
  for (size_t i = 0; i < buckets.size(); ++i) {
    increments[i] = static_cast<double>(buckets[i] - st.seen[i]);
    st.seen[i] = buckets[i];
  }
  st.h->ObserveMultiple(increments, sum - st.seen_sum);
  st.seen_sum = sum;
}

std::string help_of(const std::string& name) {
  for (const auto* table : {&build_info_families(), &db_client_families(), &transaction_families(),
                            &runtime_families()})
    for (const auto& f : *table)
      if (name == f.name) return f.help;
  return "?";
}

Histogram::BucketBoundaries bounds_of(const double* b, size_t n) {
  return {b, b + n};
}

}  // namespace

struct prometheus_cpp_mirror::impl {
  prometheus::Registry registry;
  Labels identity;
  std::string pool;
  keyed<Histogram> op_family;
  std::unordered_map<std::string, histogram_state> ops;
  keyed<Gauge> build_info, conn_count, conn_max, pending, active, long_running, sagas_active,
      health, components, alerts_open, last_alert, uptime;
  keyed<Histogram> wait_family;
  histogram_state wait;
  keyed<Counter> retries, failed_attempts, savepoints, rows, internal, internal_failed, exhausted,
      replaced, connect_failures, sagas_started, sagas_total, compensations, recovered;

  /// Registers family `name` with the HELP text actortx writes for it (same bytes).
  template <class M, class Builder>
  void make(keyed<M>& k, Builder builder, const char* name, const char*) {
    k.family = &builder.Name(name).Help(help_of(name)).Labels(identity).Register(registry);
  }

  explicit impl(const runtime_identity& id)
      : identity{{"actortx_runtime", id.runtime}, {"db_namespace", id.db_namespace}},
        pool{id.pool_name} {
    using namespace prometheus;
    make(build_info, BuildGauge(), "actortx_build_info", "Versions.");
    make(op_family, BuildHistogram(), "db_client_operation_duration_seconds", "Duration.");
    make(conn_count, BuildGauge(), "db_client_connection_count", "Connections.");
    make(conn_max, BuildGauge(), "db_client_connection_max", "Max.");
    make(pending, BuildGauge(), "db_client_connection_pending_requests", "Pending.");
    make(wait_family, BuildHistogram(), "db_client_connection_wait_time_seconds", "Wait.");
    make(active, BuildGauge(), "actortx_transactions_active", "Active.");
    make(retries, BuildCounter(), "actortx_transaction_retries_total", "Retries.");
    make(failed_attempts, BuildCounter(), "actortx_transaction_failed_attempts_total", "F.");
    make(savepoints, BuildCounter(), "actortx_transaction_savepoints_total", "Savepoints.");
    make(rows, BuildCounter(), "actortx_transaction_rows_total", "Rows.");
    make(long_running, BuildGauge(), "actortx_long_running_transactions", "Long.");
    make(internal, BuildCounter(), "actortx_internal_transactions_total", "Internal.");
    make(internal_failed, BuildCounter(), "actortx_internal_failed_attempts_total", "IF.");
    make(exhausted, BuildCounter(), "actortx_pool_exhausted_total", "Exhausted.");
    make(replaced, BuildCounter(), "actortx_pool_connections_replaced_total", "Replaced.");
    make(connect_failures, BuildCounter(), "actortx_pool_connect_failures_total", "CF.");
    make(sagas_started, BuildCounter(), "actortx_sagas_started_total", "Started.");
    make(sagas_total, BuildCounter(), "actortx_sagas_total", "Sagas.");
    make(sagas_active, BuildGauge(), "actortx_sagas_active", "Active sagas.");
    make(compensations, BuildCounter(), "actortx_saga_compensations_total", "Comp.");
    make(recovered, BuildCounter(), "actortx_sagas_recovered_total", "Recovered.");
    make(health, BuildGauge(), "actortx_health_score", "Health.");
    make(components, BuildGauge(), "actortx_health_component_ratio", "Components.");
    make(alerts_open, BuildGauge(), "actortx_alerts_open", "Open alerts.");
    make(last_alert, BuildGauge(), "actortx_last_alert_timestamp_seconds", "Last alert.");
    make(uptime, BuildGauge(), "actortx_uptime_seconds", "Uptime.");
    build_info
        .get("",
             [] {
               const auto& v = actortx_build_versions();
               return Labels{{"version", v.version},
                             {"caf_version", v.caf_version},
                             {"libpqxx_version", v.libpqxx_version}};
             })
        .Set(1);
    wait.h = &wait_family.get(
        "",
        [&] {
          return Labels{{"db_client_connection_pool_name", pool}};
        },
        bounds_of(lease_wait_bucket_bounds.data(), lease_wait_bucket_bounds.size()));
  }

  histogram_state& op(const std::string& label, tx_state outcome, const std::string& error) {
    std::string key = label + '\x1f' + outcome_label(outcome) + '\x1f' + error;
    auto i = ops.find(key);
    if (i != ops.end()) return i->second;
    Labels l{{"db_system_name", "postgresql"},
             {"db_operation_name", label},
             {"actortx_outcome", outcome_label(outcome)}};
    if (!error.empty()) l.emplace("error_type", error);
    auto& h = op_family.family->Add(
        l, bounds_of(latency_bucket_bounds.data(), latency_bucket_bounds.size()));
    return ops.emplace(key, histogram_state{&h, {}, 0}).first->second;
  }

  template <class M>
  static M& single(keyed<M>& k) {
    return k.get("", [] { return Labels{}; });
  }

  template <class M>
  static M& by(keyed<M>& k, const char* key_label, const std::string& value) {
    return k.get(value, [&] { return Labels{{key_label, value}}; });
  }

  void sync_transactions(const metrics_snapshot& s);
  void sync_runtime(const metrics_snapshot& s);
};

void prometheus_cpp_mirror::impl::sync_transactions(const metrics_snapshot& s) {
  for (const auto& o : s.operations)
    histogram_to(op(o.operation, o.outcome, o.error_type), o.latency_buckets,
                 o.latency_sum_seconds);
  for (const auto& l : s.by_label) {
    by(active, "db_operation_name", l.label).Set(static_cast<double>(l.agg.active));
    counter_to(by(retries, "db_operation_name", l.label), static_cast<double>(l.agg.retries));
    counter_to(by(savepoints, "db_operation_name", l.label), static_cast<double>(l.agg.savepoints));
    counter_to(by(rows, "db_operation_name", l.label), static_cast<double>(l.agg.rows));
  }
  for (const auto& c : s.failures_by_cause)
    counter_to(by(failed_attempts, "error_type", c.cause), static_cast<double>(c.count));
  single(long_running).Set(s.long_running);
  static constexpr std::array<tx_state, 5> outcomes{tx_state::committed, tx_state::rolled_back,
                                                    tx_state::failed, tx_state::timeout,
                                                    tx_state::in_doubt};
  for (const auto& l : s.internal_by_label) {
    const uint64_t counts[] = {l.agg.committed, l.agg.rolled_back, l.agg.failed, l.agg.timed_out,
                               l.agg.in_doubt};
    for (size_t i = 0; i < outcomes.size(); ++i) {
      auto& c = internal.get(l.label + '\x1f' + outcome_label(outcomes[i]), [&] {
        return Labels{{"db_operation_name", l.label},
                      {"actortx_outcome", outcome_label(outcomes[i])}};
      });
      counter_to(c, static_cast<double>(counts[i]));
    }
  }
  for (const auto& c : s.internal_failures_by_cause)
    counter_to(by(internal_failed, "error_type", c.cause), static_cast<double>(c.count));
}

void prometheus_cpp_mirror::impl::sync_runtime(const metrics_snapshot& s) {
  const auto& p = s.pool;
  auto pool_labels = [&] { return Labels{{"db_client_connection_pool_name", pool}}; };
  conn_count
      .get("idle",
           [&] {
             return Labels{{"db_client_connection_state", "idle"},
                           {"db_client_connection_pool_name", pool}};
           })
      .Set(p.idle);
  conn_count
      .get("used",
           [&] {
             return Labels{{"db_client_connection_state", "used"},
                           {"db_client_connection_pool_name", pool}};
           })
      .Set(p.in_use);
  conn_max.get("", pool_labels).Set(p.max);
  pending.get("", pool_labels).Set(p.waiting);
  histogram_to(wait, p.lease_wait_buckets, p.lease_wait_sum_seconds);
  counter_to(single(exhausted), static_cast<double>(p.exhausted));
  counter_to(single(replaced), static_cast<double>(p.replaced));
  counter_to(single(connect_failures), static_cast<double>(p.connect_failures));
  counter_to(single(sagas_started), static_cast<double>(s.sagas.started));
  const char* states[] = {"started",   "executing",   "compensating",
                          "committed", "compensated", "failed"};
  for (size_t i = 0; i < 6 && i < s.sagas.by_state.size(); ++i) {
    auto n = static_cast<double>(s.sagas.by_state[i]);
    if (i < 3)
      by(sagas_active, "saga_state", states[i]).Set(n);
    else
      counter_to(by(sagas_total, "actortx_outcome", states[i]), n);
  }
  counter_to(single(compensations), static_cast<double>(s.sagas.compensations));
  counter_to(single(recovered), static_cast<double>(s.sagas.recovered));
  single(health).Set(s.health.score);
  for (const auto& c : s.health.components) by(components, "component", c.name).Set(c.value);
  single(alerts_open).Set(s.open_alerts);
  if (!s.recent_alerts.empty())
    by(last_alert, "level", "warning").Set(static_cast<double>(s.recent_alerts[0].unix_ms) / 1e3);
  single(uptime).Set(s.uptime_seconds);
}

prometheus_cpp_mirror::prometheus_cpp_mirror(const runtime_identity& id)
    : impl_{std::make_unique<impl>(id)} {}

prometheus_cpp_mirror::~prometheus_cpp_mirror() = default;

void prometheus_cpp_mirror::sync(const metrics_snapshot& s) {
  impl_->sync_transactions(s);
  impl_->sync_runtime(s);
}

std::string prometheus_cpp_mirror::render() const {
  return prometheus::TextSerializer{}.Serialize(impl_->registry.Collect());
}

void prometheus_cpp_mirror::observe(const tx_record& r) {
  auto& m = *impl_;
  const auto seconds = std::chrono::duration<double>(r.duration).count();
  m.op(r.label, r.state, r.error_type).h->Observe(seconds);
  if (r.attempts > 1) impl::by(m.retries, "db_operation_name", r.label).Increment(r.attempts - 1);
  impl::by(m.rows, "db_operation_name", r.label).Increment(static_cast<double>(r.rows));
  impl::by(m.savepoints, "db_operation_name", r.label).Increment(r.savepoints);
  for (const auto& c : r.failure_causes) impl::by(m.failed_attempts, "error_type", c).Increment();
}

}  // namespace bench
