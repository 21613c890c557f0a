// Alert rules evaluated against snapshots, with dedup and a bounded history. Pure: the
// caller passes the time, so the 5-minute dedup is testable with an injected clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <actortx/alert_rules.hpp>
#include <actortx/metrics.hpp>

namespace actortx {

class alert_engine {
 public:
  explicit alert_engine(alert_rules rules = {});

  /// Evaluates the threshold rules (failure rate, p99, long-running, pool waiters) on `s`
  /// at `now_unix_ms`; returns the alerts raised now (after dedup), also kept in history.
  std::vector<alert> evaluate(const metrics_snapshot& s, int64_t now_unix_ms);
  /// Event rules: a transaction IN_DOUBT, a saga FAILED. Returns the alert if raised.
  std::optional<alert> on_record(const tx_record& r, int64_t now_unix_ms);
  std::optional<alert> on_record(const saga_record& r, int64_t now_unix_ms);
  /// Raises `a` (stamped with `now_unix_ms`) unless the same (rule, subject) was raised at the
  /// same or a higher level within the dedup time.
  std::optional<alert> raise(alert a, int64_t now_unix_ms);

  /// Newest first, at most rules().history.
  const std::deque<alert>& history() const noexcept { return history_; }
  /// Alerts raised within the dedup window before `now_unix_ms` (they count as open).
  size_t open_count(int64_t now_unix_ms) const;
  const alert_rules& rules() const noexcept { return rules_; }

 private:
  /// When a (rule, subject) was last raised and at which level: a higher level passes the
  /// dedup (a WARNING must not hide the CRITICAL that follows it).
  struct last_raise {
    int64_t unix_ms = 0;
    alert_level level = alert_level::info;
  };

  alert_rules rules_;
  std::deque<alert> history_;
  /// Keyed by rule + '\0' + subject; entries older than the dedup time are dropped on raise,
  /// so per-saga subjects do not accumulate.
  std::unordered_map<std::string, last_raise> last_raised_;
};

}  // namespace actortx
