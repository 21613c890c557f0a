#include "runtime/observability/alert_engine.hpp"

#include <algorithm>
#include <utility>

#include "runtime/observability/figure_text.hpp"

namespace actortx {

namespace {

/// Sums of the trend points whose bucket starts within [now - window, now].
struct window_figures {
  uint64_t committed = 0;
  uint64_t rolled_back = 0;    ///< by the body: finished, not an error
  uint64_t failed = 0;         ///< FAILED, TIMEOUT or IN_DOUBT
  double max_p99_seconds = 0;  ///< over the buckets that saw a finished transaction
  uint64_t finished() const noexcept { return committed + rolled_back + failed; }
};

window_figures sum_window(const std::vector<trend_point>& trend, int64_t now_unix_ms,
                          std::chrono::seconds window) {
  window_figures out;
  const int64_t from_ms = now_unix_ms - window.count() * 1000;
  for (const auto& p : trend) {
    const int64_t start_ms = p.unix_s * 1000;
    if (start_ms < from_ms || start_ms > now_unix_ms) continue;
    out.committed += p.committed;
    out.rolled_back += p.rolled_back;
    out.failed += p.failed;
    // Trend points carry only p50/p99, not their histograms, so the window's p99 cannot be
    // merged exactly; the worst bucket's p99 is an upper bound that never hides a slow spell.
    if (p.finished() > 0) out.max_p99_seconds = std::max(out.max_p99_seconds, p.p99_seconds);
  }
  return out;
}

alert make_alert(std::string rule, std::string subject, alert_level level, std::string message,
                 double value, double threshold) {
  alert a;
  a.rule = std::move(rule);
  a.subject = std::move(subject);
  a.level = level;
  a.message = std::move(message);
  a.value = value;
  a.threshold = threshold;
  return a;
}

std::optional<alert> failure_rate_alert(const alert_rules& rules, const window_figures& w) {
  if (w.finished() == 0 || w.finished() < rules.failure_min_finished) return std::nullopt;
  const double rate = static_cast<double>(w.failed) / static_cast<double>(w.finished());
  alert_level level;
  double threshold;
  if (rate > rules.failure_rate_critical) {
    level = alert_level::critical;
    threshold = rules.failure_rate_critical;
  } else if (rate > rules.failure_rate_warning) {
    level = alert_level::warning;
    threshold = rules.failure_rate_warning;
  } else {
    return std::nullopt;
  }
  auto msg = "error rate " + fixed_text(rate * 100.0, 1) + " % over the last " +
             std::to_string(rules.failure_window.count()) + " s (" + std::to_string(w.failed) +
             " of " + std::to_string(w.finished()) +
             " finished transactions failed, timed out or are in doubt) is above " +
             trimmed_text(threshold * 100.0) + " %";
  return make_alert("failure_rate", "", level, std::move(msg), rate, threshold);
}

std::optional<alert> p99_alert(const alert_rules& rules, const window_figures& w) {
  if (rules.p99_latency.count() <= 0) return std::nullopt;
  // A p99 of a handful of transactions is just the slowest one: same sample floor as the
  // failure rate.
  if (w.finished() == 0 || w.finished() < rules.failure_min_finished) return std::nullopt;
  const double limit = static_cast<double>(rules.p99_latency.count()) / 1000.0;
  const double p99 = w.max_p99_seconds;
  if (p99 <= limit) return std::nullopt;
  const double ratio = p99 / limit;
  auto level = ratio >= 2.0 ? alert_level::error : alert_level::warning;
  auto msg = "p99 latency " + duration_text(p99) + " over the last " +
             std::to_string(rules.failure_window.count()) + " s (" + std::to_string(w.finished()) +
             " finished) is " + fixed_text(ratio, 1) + "x the " + duration_text(limit) + " limit";
  return make_alert("p99_latency", "", level, std::move(msg), p99, limit);
}

std::optional<alert> long_running_alert(const alert_rules& rules, const metrics_snapshot& s) {
  if (s.long_running <= rules.long_running_max) return std::nullopt;
  const bool one = s.long_running == 1;
  auto msg = std::to_string(s.long_running) + (one ? " transaction has" : " transactions have") +
             " been running longer than the long-running threshold, more than the " +
             std::to_string(rules.long_running_max) + " allowed: see the active transactions";
  return make_alert("long_running", "", alert_level::warning, std::move(msg), s.long_running,
                    rules.long_running_max);
}

std::optional<alert> pool_waiters_alert(const alert_rules& rules, const metrics_snapshot& s) {
  const auto waiting = s.pool.waiting;
  if (waiting <= rules.pool_waiters_max) return std::nullopt;
  // With a limit of 0 every waiter alerts; 4 x 0 would make each of them an ERROR.
  const bool severe =
      rules.pool_waiters_max > 0 && static_cast<uint64_t>(waiting) >= 4ull * rules.pool_waiters_max;
  const bool one = waiting == 1;
  auto msg = std::to_string(waiting) + (one ? " lease request is" : " lease requests are") +
             " waiting for a connection (" + std::to_string(s.pool.in_use) + " of " +
             std::to_string(s.pool.max) + " in use), more than " +
             std::to_string(rules.pool_waiters_max);
  return make_alert("pool_waiters", "", severe ? alert_level::error : alert_level::warning,
                    std::move(msg), waiting, rules.pool_waiters_max);
}

}  // namespace

alert_engine::alert_engine(alert_rules rules) : rules_(rules) {}

std::vector<alert> alert_engine::evaluate(const metrics_snapshot& s, int64_t now_unix_ms) {
  const auto w = sum_window(s.trend, now_unix_ms, rules_.failure_window);
  std::vector<alert> out;
  for (auto candidate : {failure_rate_alert(rules_, w), p99_alert(rules_, w),
                         long_running_alert(rules_, s), pool_waiters_alert(rules_, s)}) {
    if (!candidate) continue;
    if (auto raised = raise(std::move(*candidate), now_unix_ms)) out.push_back(std::move(*raised));
  }
  return out;
}

std::optional<alert> alert_engine::on_record(const tx_record& r, int64_t now_unix_ms) {
  // The library's own transactions (saga log, leases) are not the application's to act on: a
  // lost COMMIT there is resolved by the library and visible in the internal figures.
  // A saga's step is resolved by its saga (its fence tells whether the step ran): the saga's
  // own end is what the application sees, and a FAILED saga alerts.
  if (!rules_.commit_in_doubt || r.internal || !r.saga_id.empty() || r.state != tx_state::in_doubt)
    return std::nullopt;
  const auto id = std::to_string(r.id);
  auto msg = "commit of transaction " + id + (r.label.empty() ? "" : " (" + r.label + ")") +
             " is in doubt: the COMMIT reply was lost, so the outcome is unknown and must be "
             "checked in the database";
  return raise(make_alert("commit_in_doubt", r.label.empty() ? id : r.label, alert_level::error,
                          std::move(msg), 1, 0),
               now_unix_ms);
}

std::optional<alert> alert_engine::on_record(const saga_record& r, int64_t now_unix_ms) {
  if (!rules_.saga_failed || r.state != saga_state::failed) return std::nullopt;
  auto msg = "saga " + r.id + " of type " + r.type + " FAILED after " +
             std::to_string(r.steps_done) + " of " + std::to_string(r.steps) + " steps and " +
             std::to_string(r.compensations) +
             " compensations: " + (r.error.empty() ? std::string{"no error recorded"} : r.error) +
             "; an operator must look";
  return raise(make_alert("saga_failed", r.id, alert_level::critical, std::move(msg), 1, 0),
               now_unix_ms);
}

std::optional<alert> alert_engine::raise(alert a, int64_t now_unix_ms) {
  const int64_t dedup_ms = rules_.dedup.count() * 1000;
  // Forget what can no longer suppress anything, so per-saga and per-transaction subjects do
  // not pile up in a process that runs for months.
  for (auto i = last_raised_.begin(); i != last_raised_.end();) {
    if (now_unix_ms - i->second.unix_ms >= dedup_ms) {
      i = last_raised_.erase(i);
    } else {
      ++i;
    }
  }
  auto key = a.rule;
  key += '\0';
  key += a.subject;
  auto i = last_raised_.find(key);
  if (i != last_raised_.end() && a.level <= i->second.level) return std::nullopt;
  last_raised_[key] = last_raise{now_unix_ms, a.level};
  a.unix_ms = now_unix_ms;
  history_.push_front(a);
  while (history_.size() > rules_.history) history_.pop_back();
  return a;
}

size_t alert_engine::open_count(int64_t now_unix_ms) const {
  const int64_t dedup_ms = rules_.dedup.count() * 1000;
  size_t n = 0;
  for (const auto& a : history_) {
    if (now_unix_ms - a.unix_ms >= dedup_ms) break;  // newest first: the rest are older
    ++n;
  }
  return n;
}

}  // namespace actortx
