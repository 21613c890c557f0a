#include "runtime/observability/prometheus_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace actortx {

namespace {

using label_list = std::initializer_list<std::pair<const char*, std::string>>;

/// Appends families in exposition order; keeps the HELP/TYPE/sample syntax in one place.
class exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;  // constant texts without backslashes or newlines: nothing to escape
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(const std::string& name, label_list labels, const std::string& value) {
    out_ += name;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, val] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        out_ += prometheus_escape_label(val);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

  void sample(const std::string& name, label_list labels, uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void sample(const std::string& name, label_list labels, double value) {
    sample(name, labels, prometheus_number(value));
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

struct labelled {
  const std::string* label;
  const tx_aggregate* agg;
};

/// The per-label series; before anything finished, the overall aggregate as label "" so that
/// every family is present (a scraper then sees 0 instead of an absent series).
std::vector<labelled> transaction_series(const metrics_snapshot& s) {
  static const std::string unlabelled;
  std::vector<labelled> out;
  out.reserve(std::max<size_t>(1, s.by_label.size()));
  for (const auto& l : s.by_label) out.push_back({&l.label, &l.agg});
  if (out.empty()) out.push_back({&unlabelled, &s.overall});
  return out;
}

struct counter_field {
  const char* name;
  const char* help;
  uint64_t tx_aggregate::*field;
};

// Counters per label, in the order they are exposed.
const std::array<counter_field, 11> tx_counters{{
    {"actortx_transactions_started_total", "Transactions started.", &tx_aggregate::started},
    {"actortx_transactions_committed_total", "Transactions that committed.",
     &tx_aggregate::committed},
    {"actortx_transactions_rolled_back_total",
     "Transactions rolled back by their body (not an error).", &tx_aggregate::rolled_back},
    {"actortx_transactions_failed_total",
     "Transactions that failed after their last attempt (error, retries exhausted).",
     &tx_aggregate::failed},
    {"actortx_transactions_timed_out_total", "Transactions that passed their deadline.",
     &tx_aggregate::timed_out},
    {"actortx_transactions_in_doubt_total",
     "Transactions whose commit outcome is unknown (connection lost during COMMIT).",
     &tx_aggregate::in_doubt},
    {"actortx_transaction_retries_total", "Attempts beyond the first of each transaction.",
     &tx_aggregate::retries},
    {"actortx_deadlocks_total", "Attempts that failed with a deadlock (SQLSTATE 40P01).",
     &tx_aggregate::deadlocks},
    {"actortx_serialization_failures_total",
     "Attempts that failed with a serialization failure (SQLSTATE 40001).",
     &tx_aggregate::serialization_failures},
    {"actortx_savepoints_total", "Savepoints taken by committed attempts.",
     &tx_aggregate::savepoints},
    {"actortx_transaction_rows_total", "Rows returned or affected by committed attempts.",
     &tx_aggregate::rows},
}};

void transactions(exposition& e, const metrics_snapshot& s) {
  auto series = transaction_series(s);
  for (const auto& c : tx_counters) {
    e.family(c.name, "counter", c.help);
    for (const auto& l : series) e.sample(c.name, {{"label", *l.label}}, l.agg->*c.field);
  }

  // Overall only: the supervisor knows what runs per label, the dashboard shows it.
  e.family("actortx_transactions_active", "gauge", "Transactions started and not finished yet.");
  e.sample("actortx_transactions_active", {}, static_cast<double>(s.overall.active));

  const char* h = "actortx_transaction_duration_seconds";
  e.family(h, "histogram", "Duration of finished transactions, all attempts and backoff included.");
  const std::string bucket = std::string(h) + "_bucket";
  for (const auto& l : series) {
    const auto& buckets = l.agg->latency_buckets;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < latency_bucket_count; ++i) {
      cumulative += i < buckets.size() ? buckets[i] : 0;
      std::string le =
          i < latency_bucket_bounds.size() ? prometheus_number(latency_bucket_bounds[i]) : "+Inf";
      e.sample(bucket, {{"label", *l.label}, {"le", std::move(le)}}, cumulative);
    }
    e.sample(std::string(h) + "_sum", {{"label", *l.label}}, l.agg->latency_sum_seconds);
    e.sample(std::string(h) + "_count", {{"label", *l.label}}, cumulative);
  }

  e.family("actortx_long_running_transactions", "gauge",
           "Active transactions older than the long-running threshold.");
  e.sample("actortx_long_running_transactions", {}, static_cast<uint64_t>(s.long_running));

  e.family("actortx_failed_attempts_total", "counter",
           "Failed attempts by SQLSTATE (empty: the error did not come from the server).");
  for (const auto& f : s.failures_by_sqlstate) {
    e.sample("actortx_failed_attempts_total", {{"sqlstate", f.sqlstate}}, f.count);
  }
}

void pool(exposition& e, const pool_gauges& p) {
  e.family("actortx_pool_connections", "gauge", "Pool connections by state.");
  e.sample("actortx_pool_connections", {{"state", "in_use"}}, static_cast<uint64_t>(p.in_use));
  e.sample("actortx_pool_connections", {{"state", "idle"}}, static_cast<uint64_t>(p.idle));
  e.family("actortx_pool_max_connections", "gauge", "Configured maximum of pool connections.");
  e.sample("actortx_pool_max_connections", {}, static_cast<uint64_t>(p.max));
  e.family("actortx_pool_waiting_requests", "gauge", "Lease requests waiting for a connection.");
  e.sample("actortx_pool_waiting_requests", {}, static_cast<uint64_t>(p.waiting));
  e.family("actortx_pool_leases_total", "counter", "Connections leased from the pool.");
  e.sample("actortx_pool_leases_total", {}, p.leases);
  e.family("actortx_pool_slow_leases_total", "counter",
           "Leases that waited longer than 0.1 seconds for a connection.");
  e.sample("actortx_pool_slow_leases_total", {}, p.leases_waited_over_100ms);
  e.family("actortx_pool_lease_wait_seconds_total", "counter",
           "Time lease requests spent waiting for a connection.");
  e.sample("actortx_pool_lease_wait_seconds_total", {}, p.lease_wait_sum_seconds);
  e.family("actortx_pool_exhausted_total", "counter",
           "Lease requests refused because the wait queue was full.");
  e.sample("actortx_pool_exhausted_total", {}, p.exhausted);
}

std::string lower(const char* text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void sagas(exposition& e, const saga_aggregate& a) {
  e.family("actortx_sagas_started_total", "counter", "Sagas started on this node.");
  e.sample("actortx_sagas_started_total", {}, a.started);
  // Only final states: the aggregate counts sagas when they finish.
  e.family("actortx_sagas_finished_total", "counter", "Sagas that reached a final state.");
  for (auto st : {saga_state::committed, saga_state::compensated, saga_state::failed}) {
    auto i = static_cast<size_t>(st);
    uint64_t n = i < a.by_state.size() ? a.by_state[i] : 0;
    e.sample("actortx_sagas_finished_total", {{"state", lower(to_string(st))}}, n);
  }
  e.family("actortx_saga_compensations_total", "counter", "Saga compensations that committed.");
  e.sample("actortx_saga_compensations_total", {}, a.compensations);
  e.family("actortx_sagas_recovered_total", "counter",
           "Sagas this node took over from a crashed or stalled owner.");
  e.sample("actortx_sagas_recovered_total", {}, a.recovered);
}

void health(exposition& e, const metrics_snapshot& s) {
  e.family("actortx_health_score", "gauge", "Health score from 0 (down) to 100 (healthy).");
  e.sample("actortx_health_score", {}, static_cast<double>(s.health.score));
  e.family("actortx_health_component_ratio", "gauge",
           "Health score components from 0 to 1, before weighting.");
  for (const auto& c : s.health.components) {
    e.sample("actortx_health_component_ratio", {{"component", c.name}}, c.value);
  }
  // The newest alert per level: a counter over the bounded history would go down when old
  // alerts drop out of it; a timestamp only moves forward.
  e.family("actortx_last_alert_timestamp_seconds", "gauge",
           "Unix time of the newest alert per level still in the history.");
  for (auto level :
       {alert_level::info, alert_level::warning, alert_level::error, alert_level::critical}) {
    auto it = std::find_if(s.recent_alerts.begin(), s.recent_alerts.end(),
                           [&](const alert& a) { return a.level == level; });
    if (it == s.recent_alerts.end()) continue;
    e.sample("actortx_last_alert_timestamp_seconds", {{"level", lower(to_string(level))}},
             static_cast<double>(it->unix_ms) / 1000.0);
  }
  e.family("actortx_uptime_seconds", "gauge", "Time since the runtime started.");
  e.sample("actortx_uptime_seconds", {}, s.uptime_seconds);
}

}  // namespace

std::string prometheus_escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Plain notation for the usual magnitudes ("0.0005" rather than "5e-04": bucket bounds are
  // read by people), the shortest form otherwise; both read back as the same double.
  double magnitude = std::fabs(value);
  auto format = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15)
                    ? std::chars_format::fixed
                    : std::chars_format::general;
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, format);
  if (ec != std::errc{}) return "NaN";  // cannot happen: 64 chars hold either form
  return std::string(buf.data(), end);
}

std::string prometheus_text(const metrics_snapshot& s) {
  exposition e;
  transactions(e, s);
  pool(e, s.pool);
  sagas(e, s.sagas);
  health(e, s);
  return e.take();
}

}  // namespace actortx
