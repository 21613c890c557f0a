// Records and look-ups shared by the metrics store tests.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "runtime/observability/metrics_store.hpp"

namespace actortx::test {

/// A multiple of every trend width used in the tests, so bucket starts are easy to name.
inline constexpr int64_t t0 = 1700000000;  // unix seconds

/// A finished transaction of `duration_us` that ended at t0 + end_offset_us.
inline tx_record tx(uint64_t id, std::string label, tx_state state, int64_t duration_us,
                    int64_t end_offset_us = 0) {
  tx_record r;
  r.id = id;
  r.label = std::move(label);
  r.state = state;
  r.attempts = 1;
  r.duration = std::chrono::microseconds{duration_us};
  r.start_unix_us = t0 * 1000000 + end_offset_us - duration_us;
  r.internal = is_internal_label(r.label);
  return r;
}

inline tx_record with_failures(tx_record r, uint32_t attempts, std::vector<std::string> causes) {
  r.attempts = attempts;
  r.failure_causes = std::move(causes);
  return r;
}

inline const label_aggregate* find_label(const std::vector<label_aggregate>& list,
                                         const std::string& label) {
  for (const auto& l : list)
    if (l.label == label) return &l;
  return nullptr;
}

inline const label_aggregate* find_label(const metrics_snapshot& s, const std::string& label) {
  return find_label(s.by_label, label);
}

inline std::vector<uint64_t> ids(const std::vector<tx_record>& records) {
  std::vector<uint64_t> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

inline int64_t ms(int64_t unix_s) {
  return unix_s * 1000;
}

}  // namespace actortx::test
