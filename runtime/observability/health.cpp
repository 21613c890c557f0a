#include "runtime/observability/health.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <actortx/failure_cause.hpp>

#include "runtime/observability/figure_text.hpp"
#include "runtime/policy/error_classifier.hpp"

namespace actortx {

namespace {

// Weights of the components (sum 1). Success weighs most because failed work is what users
// see; timeouts get a component of their own on top of lowering the success rate because each
// one also held a connection for the whole deadline.
constexpr double success_weight = 0.35;
constexpr double latency_weight = 0.25;
constexpr double pool_weight = 0.20;
constexpr double timeouts_weight = 0.20;

constexpr double points_per_open_alert = 5;
constexpr double open_alert_points_cap = 30;

// Recommendation thresholds: shares of finished transactions (or of leases) below which a
// figure is background noise rather than a cause worth a change.
constexpr double timeouts_advice_share = 0.01;
constexpr double lease_wait_advice_share = 0.10;
constexpr double retries_used_up_advice_share = 0.01;
constexpr double deadlock_advice_share = 0.01;
// Serialization failures are the normal price of SERIALIZABLE and are retried; only a share
// this large costs noticeable latency and retry budget.
constexpr double serialization_advice_share = 0.05;
constexpr double failed_advice_share = 0.05;
constexpr double latency_advice_ratio = 2.0;

double clamp01(double v) {
  return std::clamp(v, 0.0, 1.0);
}

double share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// 99 % and more -> 1, 90 % -> 0.5, 80 % and less -> 0, linear in between: the steep part sits
/// where services actually live, so 95 % already costs nearly half the component.
double success_value(double s) {
  if (s >= 0.99) return 1.0;
  if (s >= 0.90) return 0.5 + (s - 0.90) / 0.09 * 0.5;
  if (s > 0.80) return (s - 0.80) / 0.10 * 0.5;
  return 0.0;
}

/// p99 at or below the target -> 1, each doubling above it costs 0.5, so 2x -> 0.5 and 4x or
/// more -> 0. Logarithmic because latency problems come in factors, not in milliseconds.
double latency_value(double p99_seconds, double target_seconds) {
  if (target_seconds <= 0 || p99_seconds <= target_seconds) return 1.0;
  return clamp01(1.0 - std::log2(p99_seconds / target_seconds) / 2.0);
}

/// The worst of three saturation signals (they share one cause, so adding them would count it
/// twice): waiters per connection (as many waiters as connections -> 0), the share of leases
/// that waited over 100 ms (half of them -> 0) and a pool fully in use (no headroom: 0.9).
double pool_value(const pool_gauges& p) {
  const double queue =
      p.max == 0 ? (p.waiting > 0 ? 1.0 : 0.0) : clamp01(static_cast<double>(p.waiting) / p.max);
  const double waited = clamp01(share(p.leases_waited_over_100ms, p.leases) / 0.5);
  const double full = p.max > 0 && p.in_use >= p.max ? 0.1 : 0.0;
  return 1.0 - std::max({queue, waited, full});
}

/// No timeouts -> 1, 5 % or more of the finished transactions -> 0, linear in between.
double timeouts_value(const tx_aggregate& a) {
  return 1.0 - clamp01(share(a.timed_out, a.finished()) / 0.05);
}

/// Causes are SQLSTATEs or cause names (failure_cause.hpp); only a SQLSTATE can be classified,
/// and a lost connection (retried) is not counted here either: retries_used_up is an estimate
/// over server errors.
bool retryable_sqlstate(const std::string& cause) {
  return is_sqlstate(cause) && is_retryable(classify_sqlstate(cause));
}

/// What a change to the application can cure: a server error no retry helps, or the body's own
/// exception. Lost connections, deadlines and the like are the environment's, not named here.
bool incurable_cause(const std::string& cause) {
  if (cause == "body_exception") return true;
  return is_sqlstate(cause) && !is_retryable(classify_sqlstate(cause));
}

std::string cause_name(const std::string& cause) {
  return is_sqlstate(cause) ? "SQLSTATE " + cause : cause;
}

/// Transactions that failed on a retryable error with no retry left. Every retry follows one
/// failed attempt with a retryable SQLSTATE, so the retryable failed attempts that no retry
/// followed are the last attempts of transactions that gave up. An estimate (a deadline can also
/// end the retrying), bounded by the FAILED count.
uint64_t retries_used_up(const metrics_snapshot& s) {
  uint64_t retryable_attempts = 0;
  for (const auto& f : s.failures_by_cause)
    if (retryable_sqlstate(f.cause)) retryable_attempts += f.count;
  const uint64_t unfollowed =
      retryable_attempts > s.overall.retries ? retryable_attempts - s.overall.retries : 0;
  return std::min(unfollowed, s.overall.failed);
}

// Each advise_* adds at most one recommendation, in the order a reader should act on them.
using advice = std::vector<std::string>;

void advise_in_doubt(const metrics_snapshot& s, const health_settings&, advice& out) {
  // Only those a key would have helped: a keyed transaction is resolved by running it again
  // with its key, a saga's step by its saga.
  const auto& a = s.overall;
  if (a.in_doubt_unresolvable == 0) return;
  out.push_back(plural(a.in_doubt_unresolvable, "commit", "commits") +
                " in doubt without an idempotency key (outcome unknown, check them in the "
                "database): use idempotency keys (tx_options::idempotency_key) so a lost COMMIT "
                "reply is retried safely");
}

/// The label whose transactions timed out most, for naming the deadline they really had:
/// each transaction's own tx_options::timeout, not the configured default.
const label_aggregate* most_timed_out(const metrics_snapshot& s) {
  const label_aggregate* top = nullptr;
  for (const auto& l : s.by_label)
    if (l.agg.timed_out > 0 && (top == nullptr || l.agg.timed_out > top->agg.timed_out)) top = &l;
  return top;
}

void advise_timeouts(const metrics_snapshot& s, const health_settings& settings, advice& out) {
  const double timeouts = share(s.overall.timed_out, s.overall.finished());
  if (timeouts < timeouts_advice_share) return;
  const auto* top = most_timed_out(s);
  const auto deadline = top != nullptr ? top->agg.timeout_deadline : s.overall.timeout_deadline;
  std::string text = whole_percent_text(timeouts) + " of transactions timed out";
  if (top != nullptr)
    text += ", most of them '" + top->label + "' (" +
            plural(top->agg.timed_out, "timeout", "timeouts") + ")";
  if (deadline.count() > 0)
    text += " at their " + duration_text(deadline.count() / 1000.0) + " deadline";
  text += ": find the slow statement (active transactions) or give them a longer deadline (";
  // Only a deadline equal to the configured default came from the config key.
  text += deadline == settings.deadline ? "actortx.tx-timeout" : "tx_options::timeout";
  text += ")";
  out.push_back(std::move(text));
}

void advise_pool(const metrics_snapshot& s, const health_settings& settings, advice& out) {
  const auto& p = s.pool;
  const uint32_t pool_max = settings.pool_max > 0 ? settings.pool_max : p.max;
  const double waited = share(p.leases_waited_over_100ms, p.leases);
  if (waited >= lease_wait_advice_share) {
    out.push_back(whole_percent_text(waited) +
                  " of leases waited > 100 ms: raise actortx.pool-max from " +
                  std::to_string(pool_max));
  } else if (p.max > 0 && p.waiting >= p.max) {
    out.push_back(plural(p.waiting, "lease request is", "lease requests are") + " waiting for " +
                  plural(p.max, "connection", "connections") + ": raise actortx.pool-max from " +
                  std::to_string(pool_max));
  }
}

void advise_retries(const metrics_snapshot& s, const health_settings& settings, advice& out) {
  const uint64_t finished = s.overall.finished();
  const uint64_t used_up = retries_used_up(s);
  if (share(used_up, finished) < retries_used_up_advice_share) return;
  out.push_back("retries used up by " + plural(used_up, "transaction", "transactions") + " (" +
                whole_percent_text(share(used_up, finished)) +
                " of finished): raise actortx.retry-max from " +
                std::to_string(settings.max_retries));
}

void advise_conflicts(const metrics_snapshot& s, const health_settings&, advice& out) {
  const auto& a = s.overall;
  const double deadlocks = share(a.deadlocks, a.finished());
  if (deadlocks >= deadlock_advice_share) {
    out.push_back("deadlocks in " + whole_percent_text(deadlocks) +
                  " of transactions: touch rows in a consistent order");
  }
  const double serialization = share(a.serialization_failures, a.finished());
  if (serialization >= serialization_advice_share) {
    out.push_back("serialization failures in " + whole_percent_text(serialization) +
                  " of transactions: shorten transactions or use a lower isolation where safe");
  }
}

/// Failures a retry cannot cure, named by their most frequent SQLSTATE (the list is sorted by
/// count); those that used up their retries are advised on by advise_retries.
void advise_hard_failures(const metrics_snapshot& s, const health_settings&, advice& out) {
  const auto& a = s.overall;
  const uint64_t hard_failed = a.failed - std::min(a.failed, retries_used_up(s));
  const double hard = share(hard_failed, a.finished());
  if (hard < failed_advice_share) return;
  auto top = std::find_if(s.failures_by_cause.begin(), s.failures_by_cause.end(),
                          [](const cause_count& f) { return incurable_cause(f.cause); });
  if (top == s.failures_by_cause.end()) return;
  const bool body = top->cause == "body_exception";
  out.push_back(whole_percent_text(hard) + " of transactions failed on errors a retry cannot " +
                "cure, most often " + cause_name(top->cause) + " (" +
                plural(top->count, "failed attempt", "failed attempts") + "): " +
                (body ? "fix the exception the body throws"
                      : "fix the statement or the data that raises it"));
}

void advise_latency(const metrics_snapshot& s, const health_settings& settings, advice& out) {
  const auto& a = s.overall;
  const double target = settings.latency_target.count() / 1000.0;
  const bool slow = a.p99_seconds >= latency_advice_ratio * target;  // false for NaN
  if (a.finished() == 0 || target <= 0 || !slow) return;
  out.push_back("p99 latency " + duration_text(a.p99_seconds) + " is " +
                fixed_text(a.p99_seconds / target, 1) + "x the " + duration_text(target) +
                " target: find the slow statement (active transactions) or raise "
                "actortx.health-latency-target if this is normal for the workload");
}

void advise(const metrics_snapshot& s, const health_settings& settings, advice& out) {
  for (auto step : {advise_in_doubt, advise_timeouts, advise_pool, advise_retries, advise_conflicts,
                    advise_hard_failures, advise_latency})
    step(s, settings, out);
}

}  // namespace

health_report assess_health(const metrics_snapshot& s, size_t open_alerts,
                            const health_settings& settings) {
  const auto& a = s.overall;
  health_report out;
  out.components = {
      {"outcomes", success_value(a.success_rate), success_weight},
      {"latency",
       a.finished() == 0 ? 1.0
                         : latency_value(a.p99_seconds, settings.latency_target.count() / 1000.0),
       latency_weight},
      {"pool", pool_value(s.pool), pool_weight},
      {"timeouts", timeouts_value(a), timeouts_weight},
  };
  double weighted = 0;
  for (const auto& c : out.components) weighted += c.value * c.weight;
  const double penalty =
      std::min(open_alert_points_cap, points_per_open_alert * static_cast<double>(open_alerts));
  out.score = static_cast<int>(std::lround(std::clamp(weighted * 100.0 - penalty, 0.0, 100.0)));
  advise(s, settings, out.recommendations);
  return out;
}

}  // namespace actortx
