#include "runtime/observability/metrics_store.hpp"

#include <algorithm>
#include <utility>

#include "runtime/observability/aggregate_counting.hpp"

namespace actortx {

namespace {

double seconds_of(std::chrono::microseconds d) noexcept {
  return static_cast<double>(d.count()) / 1e6;
}

template <class T>
void push_bounded(std::deque<T>& ring, const T& x, size_t capacity) {
  if (capacity == 0) return;
  while (ring.size() >= capacity) ring.pop_front();
  ring.push_back(x);
}

template <class T, class Pred>
std::vector<T> newest_first(const std::deque<T>& ring, size_t limit, Pred keep) {
  std::vector<T> out;
  for (auto i = ring.rbegin(); i != ring.rend() && out.size() < limit; ++i)
    if (keep(*i)) out.push_back(*i);
  return out;
}

/// The error type an operation series is keyed by: "" unless the outcome is an error, and
/// never "" for an error (a record from an old peer may lack it).
std::string series_error_type(const tx_record& r) {
  if (!is_error_outcome(r.state)) return {};
  return r.error_type.empty() ? std::string{"other"} : r.error_type;
}

}  // namespace

void metrics_store::tx_counts::add(const std::string& label, const tx_record& r,
                                   size_t latency_bucket) {
  count_record(overall, r, latency_bucket);
  count_record(labels[label], r, latency_bucket);
  for (const auto& c : r.failure_causes) ++failures_by_cause[c.empty() ? "other" : c];
}

std::vector<label_aggregate> metrics_store::tx_counts::by_label() const {
  // Labels with records and labels that only have running transactions, merged in order.
  std::vector<label_aggregate> out;
  auto rec = labels.begin();
  auto act = active_by_label.begin();
  while (rec != labels.end() || act != active_by_label.end()) {
    const bool take_rec =
        act == active_by_label.end() || (rec != labels.end() && rec->first <= act->first);
    const bool take_act =
        act != active_by_label.end() && (rec == labels.end() || act->first <= rec->first);
    label_aggregate l;
    l.label = take_rec ? rec->first : act->first;
    l.agg =
        with_derived_figures(take_rec ? rec->second : tx_aggregate{}, take_act ? act->second : 0);
    out.push_back(std::move(l));
    if (take_rec) ++rec;
    if (take_act) ++act;
  }
  return out;
}

std::vector<cause_count> metrics_store::tx_counts::causes() const {
  std::vector<cause_count> out;
  out.reserve(failures_by_cause.size());
  for (const auto& [cause, n] : failures_by_cause) out.push_back({cause, n});
  // Stable sort on a map's order: equal counts stay sorted by cause.
  std::stable_sort(out.begin(), out.end(),
                   [](const cause_count& a, const cause_count& b) { return a.count > b.count; });
  return out;
}

metrics_store::metrics_store(metrics_store_settings settings)
    : settings_(settings),
      labels_(settings.max_labels),
      trend_(settings.trend_bucket, std::chrono::seconds{settings.trend_span}) {}

void metrics_store::add(const tx_record& r) {
  const size_t b = latency_bucket_index(seconds_of(r.duration));
  // The label decides too: a record from a peer that predates the flag still goes apart.
  if (r.internal || is_internal_label(r.label)) {
    internal_.add(r.label.empty() ? std::string{unlabelled_label} : r.label, r, b);
  } else {
    const auto& label = labels_.counted(r.label);
    application_.add(label, r, b);
    add_operation(label, r, b);
    trend_.add(r.start_unix_us + r.duration.count(), r.state, b);
  }
  push_bounded(txs_, r, settings_.ring_capacity);
}

void metrics_store::add_operation(const std::string& label, const tx_record& r,
                                  size_t latency_bucket) {
  operation_key key{label, counted_outcome(r.state), series_error_type(r)};
  auto i = operations_.find(key);
  if (i == operations_.end()) {
    operation_series fresh;
    fresh.operation = std::get<0>(key);
    fresh.outcome = std::get<1>(key);
    fresh.error_type = std::get<2>(key);
    i = operations_.emplace(std::move(key), std::move(fresh)).first;
  }
  ++i->second.latency_buckets[latency_bucket];
  i->second.latency_sum_seconds += seconds_of(r.duration);
}

void metrics_store::add(const saga_record& r) {
  const auto state = static_cast<size_t>(r.state);
  if (state < saga_agg_.by_state.size()) ++saga_agg_.by_state[state];
  saga_agg_.compensations += r.compensations;
  if (r.recovered) ++saga_agg_.recovered;
  push_bounded(sagas_, r, settings_.ring_capacity);
}

void metrics_store::saga_started() {
  ++saga_agg_.started;
}

void metrics_store::set_active(int64_t overall, const std::map<std::string, int64_t>& by_label) {
  application_.active_by_label.clear();
  internal_.active_by_label.clear();
  int64_t internal_active = 0;
  for (const auto& [label, n] : by_label) {
    if (n == 0) continue;
    if (is_internal_label(label)) {
      internal_.active_by_label[label] += n;
      internal_active += n;
    } else {
      // Several raw labels may land on "other": their counts add up.
      application_.active_by_label[labels_.counted(label)] += n;
    }
  }
  internal_.overall.active = internal_active;
  application_.overall.active = std::max<int64_t>(overall - internal_active, 0);
}

std::optional<tx_record> metrics_store::find(uint64_t id) const {
  // A linear scan of at most ring_capacity records: queries are rare, add() is not, and an
  // index by id would cost every add() a hash insert and erase.
  for (auto i = txs_.rbegin(); i != txs_.rend(); ++i)
    if (i->id == id) return *i;
  return std::nullopt;
}

std::vector<tx_record> metrics_store::by_label(const std::string& label, size_t limit) const {
  return newest_first(txs_, limit, [&](const tx_record& r) { return r.label == label; });
}

std::vector<tx_record> metrics_store::of_saga(const std::string& saga_id, size_t limit) const {
  if (saga_id.empty()) return {};  // "" is every transaction that works for no saga
  return newest_first(txs_, limit, [&](const tx_record& r) { return r.saga_id == saga_id; });
}

std::vector<tx_record> metrics_store::recent(size_t limit) const {
  return newest_first(txs_, limit, [](const tx_record&) { return true; });
}

std::vector<saga_record> metrics_store::recent_sagas(size_t limit) const {
  return newest_first(sagas_, limit, [](const saga_record&) { return true; });
}

metrics_snapshot metrics_store::snapshot(int64_t now_unix_ms) const {
  metrics_snapshot s;
  s.unix_ms = now_unix_ms;
  s.overall = with_derived_figures(application_.overall, application_.overall.active);
  s.by_label = application_.by_label();
  s.operations.reserve(operations_.size());
  for (const auto& [key, series] : operations_) s.operations.push_back(series);
  s.sagas = saga_agg_;
  s.failures_by_cause = application_.causes();
  s.trend = trend_.points(now_unix_ms);
  for (auto seconds : snapshot_window_seconds)
    s.windows.push_back(trend_.window(now_unix_ms, seconds));
  s.internal = with_derived_figures(internal_.overall, internal_.overall.active);
  s.internal_by_label = internal_.by_label();
  s.internal_failures_by_cause = internal_.causes();
  return s;
}

}  // namespace actortx
