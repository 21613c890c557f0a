// The façade's queries: the pool, what runs now, metrics, records and alerts (blocking, 5 s;
// query_error when the asked actor does not answer).
#include <caf/all.hpp>

#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/runtime_impl.hpp"

namespace actortx {

namespace {

constexpr auto query_timeout = std::chrono::seconds(5);

/// Asks the metrics actor; `off` when metrics are off (not an error).
template <class T, class... Ts>
T ask_metrics(caf::actor_system& sys, const metrics_actor& m, T off, Ts&&... xs) {
  if (!m) return off;
  return query<T>(sys, m, query_timeout, "metrics", std::forward<Ts>(xs)...);
}

}  // namespace

pool_stats runtime::pool_snapshot() {
  return query<pool_stats>(*impl_->sys, impl_->pool, query_timeout, "pool_snapshot",
                           stats_atom::value);
}

std::vector<active_tx> runtime::active_transactions() {
  return query<std::vector<active_tx>>(*impl_->sys, impl_->sup, query_timeout,
                                       "active_transactions", active_atom::value);
}

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

std::vector<tx_record> runtime::transactions_of_saga(const std::string& saga_id, size_t limit) {
  return ask_metrics(*impl_->sys, impl_->metrics, std::vector<tx_record>{}, find_atom::value,
                     saga_atom::value, saga_id, static_cast<uint64_t>(limit));
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
