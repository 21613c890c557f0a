// A report with every field set to a value that is easy to get wrong (quotes, newlines,
// non-ASCII text, 64-bit extremes, nulls), and field-by-field comparisons, for the JSON and
// CSV report tests.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/metrics.hpp>

namespace actortx::test {

/// Quotes, a comma, a newline, a CR, a backslash and non-ASCII text: everything a label must
/// survive in JSON and CSV.
extern const std::string tricky;

tx_aggregate aggregate(uint64_t seed);
/// A committed serializable record with two failed attempts and every later field set.
tx_record record(uint64_t id, const std::string& label);
metrics_report full_report();

void check_same(const tx_aggregate& a, const tx_aggregate& b);
void check_same(const tx_record& a, const tx_record& b);
void check_same(const saga_record& a, const saga_record& b);
void check_same(const active_tx& a, const active_tx& b);
void check_same(const alert& a, const alert& b);
void check_same(const label_aggregate& a, const label_aggregate& b);
void check_same(const cause_count& a, const cause_count& b);
void check_same(const operation_series& a, const operation_series& b);
void check_same(const trend_point& a, const trend_point& b);
void check_same(const latency_window& a, const latency_window& b);
void check_same(const health_component& a, const health_component& b);
void check_same(const pool_gauges& a, const pool_gauges& b);
void check_same(const metrics_snapshot& a, const metrics_snapshot& b);

template <class T>
void check_all_same(const std::vector<T>& a, const std::vector<T>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) check_same(a[i], b[i]);
}

}  // namespace actortx::test
