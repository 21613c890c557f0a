#include "runtime/observability/metrics_store.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace actortx {

namespace {

constexpr const char* deadlock_sqlstate = "40P01";
constexpr const char* serialization_sqlstate = "40001";

/// Floor division for a positive divisor: times before the epoch still land in the bucket
/// that starts at or before them (plain `/` truncates towards zero).
int64_t floor_div(int64_t a, int64_t b) noexcept {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

double seconds_of(std::chrono::microseconds d) noexcept {
  return static_cast<double>(d.count()) / 1e6;
}

void count_state(tx_aggregate& a, tx_state s) noexcept {
  switch (s) {
    case tx_state::committed:
      ++a.committed;
      return;
    case tx_state::rolled_back:
      ++a.rolled_back;
      return;
    case tx_state::timeout:
      ++a.timed_out;
      return;
    case tx_state::in_doubt:
      ++a.in_doubt;
      return;
    case tx_state::failed:
    case tx_state::running:
      // A record is only sent with the answer; one that still says RUNNING did not commit,
      // and counting it keeps finished() equal to the histogram's count.
      ++a.failed;
      return;
  }
  ++a.failed;
}

void count_record(tx_aggregate& a, const tx_record& r, size_t latency_bucket) {
  count_state(a, r.state);
  if (r.attempts > 1) a.retries += r.attempts - 1;
  for (const auto& s : r.failed_sqlstates) {
    if (s == deadlock_sqlstate) ++a.deadlocks;
    if (s == serialization_sqlstate) ++a.serialization_failures;
  }
  a.savepoints += r.savepoints;
  a.rows += r.rows;
  ++a.latency_buckets[latency_bucket];
  a.latency_sum_seconds += seconds_of(r.duration);
}

/// The figures that are derived rather than counted: started, active, percentiles, success.
tx_aggregate finish(tx_aggregate a, int64_t active) {
  a.active = active;
  const uint64_t finished = a.finished();
  a.started = finished + static_cast<uint64_t>(std::max<int64_t>(active, 0));
  a.success_rate =
      finished == 0 ? 1.0 : static_cast<double>(a.committed) / static_cast<double>(finished);
  a.p50_seconds = histogram_quantile(a.latency_buckets, 0.50);
  a.p95_seconds = histogram_quantile(a.latency_buckets, 0.95);
  a.p99_seconds = histogram_quantile(a.latency_buckets, 0.99);
  return a;
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

}  // namespace

double histogram_quantile(const std::vector<uint64_t>& buckets, double q) {
  uint64_t total = 0;
  for (auto n : buckets) total += n;
  if (total == 0 || std::isnan(q)) return 0;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  const size_t finite = std::min(buckets.size(), latency_bucket_bounds.size());
  uint64_t below = 0;  // observations in the buckets before i
  for (size_t i = 0; i < buckets.size(); ++i) {
    const uint64_t count = buckets[i];
    // Empty buckets are skipped so that q = 0 answers the lower bound of the first
    // observation's bucket instead of dividing 0 by 0.
    if (count == 0 || static_cast<double>(below + count) < rank) {
      below += count;
      continue;
    }
    if (i >= finite) break;  // the +Inf bucket: nothing to interpolate towards
    const double lower = i == 0 ? 0.0 : latency_bucket_bounds[i - 1];
    const double upper = latency_bucket_bounds[i];
    return lower +
           (upper - lower) * ((rank - static_cast<double>(below)) / static_cast<double>(count));
  }
  return finite == 0 ? 0 : latency_bucket_bounds[finite - 1];
}

size_t latency_bucket_index(double seconds) {
  auto i = std::lower_bound(latency_bucket_bounds.begin(), latency_bucket_bounds.end(), seconds);
  return static_cast<size_t>(i - latency_bucket_bounds.begin());
}

metrics_store::metrics_store(metrics_store_settings settings) : settings_(settings) {}

int64_t metrics_store::bucket_seconds() const noexcept {
  // A zero or negative width would divide by zero; one second is the finest the trend shows.
  return std::max<int64_t>(settings_.trend_bucket.count(), 1);
}

int64_t metrics_store::span_seconds() const noexcept {
  return std::max<int64_t>(std::chrono::seconds{settings_.trend_span}.count(), 0);
}

void metrics_store::add(const tx_record& r) {
  const size_t b = latency_bucket_index(seconds_of(r.duration));
  count_record(overall_, r, b);
  count_record(labels_[r.label], r, b);
  for (const auto& s : r.failed_sqlstates) ++failures_by_sqlstate_[s];
  if (auto* t = trend_bucket_for(r.start_unix_us + r.duration.count())) {
    if (r.state == tx_state::committed)
      ++t->committed;
    else
      ++t->failed;
    ++t->latency[b];
  }
  push_bounded(txs_, r, settings_.ring_capacity);
}

metrics_store::bucket* metrics_store::trend_bucket_for(int64_t end_unix_us) {
  const int64_t width = bucket_seconds();
  const int64_t start = floor_div(floor_div(end_unix_us, 1000000), width) * width;
  if (!trend_.empty()) {
    // Anything older than the span behind the newest bucket can never be shown again.
    const int64_t newest = std::max(trend_.back().unix_s, start);
    const int64_t keep_from = floor_div(newest - span_seconds(), width) * width;
    if (start < keep_from) return nullptr;
    while (!trend_.empty() && trend_.front().unix_s < keep_from) trend_.pop_front();
  }
  // Records arrive nearly in end-time order: the newest bucket is the usual answer.
  if (!trend_.empty() && trend_.back().unix_s == start) return &trend_.back();
  auto i = std::lower_bound(trend_.begin(), trend_.end(), start,
                            [](const bucket& x, int64_t s) { return x.unix_s < s; });
  if (i != trend_.end() && i->unix_s == start) return &*i;
  bucket fresh;
  fresh.unix_s = start;
  return &*trend_.insert(i, std::move(fresh));
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
  overall_.active = overall;
  active_by_label_.clear();
  for (const auto& [label, n] : by_label)
    if (n != 0) active_by_label_.emplace_hint(active_by_label_.end(), label, n);
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

std::vector<trend_point> metrics_store::trend(int64_t now_unix_ms) const {
  const int64_t width = bucket_seconds();
  const int64_t width_ms = width * 1000;
  const int64_t first = floor_div(now_unix_ms - span_seconds() * 1000, width_ms) * width;
  const int64_t last = floor_div(now_unix_ms, width_ms) * width;
  std::vector<trend_point> out;
  out.reserve(static_cast<size_t>((last - first) / width + 1));
  auto b = std::lower_bound(trend_.begin(), trend_.end(), first,
                            [](const bucket& x, int64_t s) { return x.unix_s < s; });
  for (int64_t t = first; t <= last; t += width) {
    trend_point p;
    p.unix_s = t;
    if (b != trend_.end() && b->unix_s == t) {
      p.committed = b->committed;
      p.failed = b->failed;
      p.p50_seconds = histogram_quantile(b->latency, 0.50);
      p.p99_seconds = histogram_quantile(b->latency, 0.99);
      ++b;
    }
    out.push_back(p);
  }
  return out;
}

metrics_snapshot metrics_store::snapshot(int64_t now_unix_ms) const {
  metrics_snapshot s;
  s.unix_ms = now_unix_ms;
  s.overall = finish(overall_, overall_.active);
  // Labels with records and labels that only have running transactions, merged in order.
  auto rec = labels_.begin();
  auto act = active_by_label_.begin();
  while (rec != labels_.end() || act != active_by_label_.end()) {
    const bool take_rec =
        act == active_by_label_.end() || (rec != labels_.end() && rec->first <= act->first);
    const bool take_act =
        act != active_by_label_.end() && (rec == labels_.end() || act->first <= rec->first);
    label_aggregate l;
    l.label = take_rec ? rec->first : act->first;
    l.agg = finish(take_rec ? rec->second : tx_aggregate{}, take_act ? act->second : 0);
    s.by_label.push_back(std::move(l));
    if (take_rec) ++rec;
    if (take_act) ++act;
  }
  s.sagas = saga_agg_;
  s.failures_by_sqlstate.reserve(failures_by_sqlstate_.size());
  for (const auto& [state, n] : failures_by_sqlstate_) s.failures_by_sqlstate.push_back({state, n});
  // Stable sort on a map's order: equal counts stay sorted by SQLSTATE.
  std::stable_sort(
      s.failures_by_sqlstate.begin(), s.failures_by_sqlstate.end(),
      [](const sqlstate_count& a, const sqlstate_count& b) { return a.count > b.count; });
  s.trend = trend(now_unix_ms);
  return s;
}

}  // namespace actortx
