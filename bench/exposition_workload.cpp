#include "exposition_workload.hpp"

#include <chrono>
#include <string>

#include "runtime/observability/metrics_store.hpp"

namespace bench {

using namespace actortx;

namespace {

const char* const sqlstates[] = {"40P01", "40001", "23505", "57014", "53300", "08006"};

tx_record record(const std::string& label, tx_state state, std::string error_type, int i) {
  tx_record r;
  r.id = static_cast<uint64_t>(i) + 1;
  r.label = label;
  r.internal = is_internal_label(label);
  r.state = state;
  r.attempts = state == tx_state::committed ? 1 + static_cast<uint32_t>(i % 3 == 0) : 1;
  if (r.attempts > 1) r.failure_causes.push_back("40001");
  if (!error_type.empty()) r.failure_causes.push_back(error_type);
  r.error_type = std::move(error_type);
  r.duration = std::chrono::microseconds{200 + (i * 7919) % 150000};  // 0.2 .. 150 ms
  r.rows = static_cast<uint64_t>(i % 5);
  r.savepoints = static_cast<uint32_t>(i % 2);
  r.timeout = std::chrono::milliseconds{5000};
  r.start_unix_us = 1'700'000'000'000'000 + int64_t{i} * 1000;
  return r;
}

}  // namespace

std::vector<tx_record> exposition_records(const exposition_shape& shape) {
  std::vector<tx_record> out;
  int n = 0;
  auto add = [&](const std::string& label, tx_state state, const std::string& error) {
    for (int k = 0; k < shape.per_series; ++k) out.push_back(record(label, state, error, n++));
  };
  for (int l = 0; l < shape.labels; ++l) {
    const std::string label = "service/operation_" + std::to_string(l);
    add(label, tx_state::committed, "");
    add(label, tx_state::rolled_back, "");
    for (int e = 0; e < shape.error_types; ++e) add(label, tx_state::failed, sqlstates[e % 6]);
    add(label, tx_state::timeout, "deadline");
    add(label, tx_state::in_doubt, "commit_in_doubt");
  }
  for (int l = 0; l < shape.internal; ++l) {
    const std::string label = "actortx.internal_" + std::to_string(l);
    add(label, tx_state::committed, "");
    add(label, tx_state::failed, "connection_lost");
  }
  return out;
}

metrics_snapshot exposition_snapshot(const exposition_shape& shape,
                                     const std::vector<tx_record>& records) {
  metrics_store_settings settings;
  settings.max_labels = static_cast<size_t>(shape.labels);
  metrics_store store{settings};
  for (const auto& r : records) store.add(r);
  for (int k = 0; k < shape.saga_types; ++k) {
    for (auto st : {saga_state::committed, saga_state::compensated, saga_state::failed}) {
      saga_record sr;
      sr.id = "saga-" + std::to_string(k);
      sr.state = st;
      store.add(sr);
    }
  }
  auto s = store.snapshot(1'700'000'600'000);
  s.identity = {"bench", "bench_db", "bench", "127.0.0.1:5432"};
  s.uptime_seconds = 600;
  s.pool.max = 16;
  s.pool.in_use = 9;
  s.pool.idle = 7;
  s.pool.waiting = 3;
  for (size_t i = 0; i < s.pool.lease_wait_buckets.size(); ++i)
    s.pool.lease_wait_buckets[i] = 1000 >> i;
  s.pool.lease_wait_sum_seconds = 1.25;
  s.health.score = 91;
  s.health.components = {{"success", 0.97, 0.35}, {"latency", 1, 0.25}, {"pool", 0.9, 0.2}};
  s.recent_alerts.push_back({"failure_rate", "", alert_level::warning, "m", 0.1, 0.05, 1});
  s.open_alerts = 1;
  return s;
}

void advance(metrics_snapshot& s) {
  for (auto& op : s.operations) {
    ++op.latency_buckets[3];
    op.latency_sum_seconds += 0.004;
  }
  for (auto& l : s.by_label) l.agg.rows += 3;
  ++s.pool.lease_wait_buckets[0];
  s.uptime_seconds += 15;
}

}  // namespace bench
