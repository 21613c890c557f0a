// The metrics model: recent records in bounded rings, aggregates per label and overall,
// latency histograms per operation and the trend. Pure and single-threaded: the metrics actor
// owns one; tests drive it directly.
//
// The application's transactions and the library's own (tx_record::internal: saga log,
// leases, claims, pruning) are counted apart: internal ones only reach internal,
// internal_by_label and internal_failures_by_cause, so that alerts and health, which read
// the application's figures, never react to bookkeeping a user cannot act on.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <actortx/metrics.hpp>

#include "runtime/observability/label_limit.hpp"
#include "runtime/observability/latency_histogram.hpp"
#include "runtime/observability/trend_buckets.hpp"

namespace actortx {

struct metrics_store_settings {
  size_t ring_capacity = 10000;           ///< recent tx records kept (and as many saga records)
  std::chrono::seconds trend_bucket{10};  ///< width of one trend point
  std::chrono::minutes trend_span{60};    ///< how far back the trend goes
  /// Distinct application labels counted one by one; later new ones count under
  /// overflow_label. Internal labels are a small fixed set and not limited.
  size_t max_labels = 100;
};

/// The recent windows every snapshot carries, in seconds.
inline constexpr int64_t snapshot_window_seconds[] = {60, 300};

class metrics_store {
 public:
  explicit metrics_store(metrics_store_settings settings = {});

  /// Counts a finished transaction (application or internal, see above) and keeps it in the
  /// ring (oldest dropped).
  void add(const tx_record& r);
  /// Counts a saga that reached a final state; kept in the saga ring.
  void add(const saga_record& r);
  /// A saga started on this node (sagas.started).
  void saga_started();
  /// Transactions started and not finished yet, all of them and per raw label (from the
  /// supervisor); replaces the previous figures. Labels are mapped as add() maps them, and
  /// internal ones are taken out of the application's active count.
  void set_active(int64_t overall, const std::map<std::string, int64_t>& by_label = {});

  /// The record of transaction `id`, if still in the ring.
  std::optional<tx_record> find(uint64_t id) const;
  /// Records with the raw `label`, newest first, at most `limit`.
  std::vector<tx_record> by_label(const std::string& label, size_t limit = 100) const;
  /// Records whose saga_id is `saga_id` (non-empty), newest first, at most `limit`.
  std::vector<tx_record> of_saga(const std::string& saga_id, size_t limit = 100) const;
  /// Newest first, at most `limit`.
  std::vector<tx_record> recent(size_t limit = 100) const;
  std::vector<saga_record> recent_sagas(size_t limit = 100) const;

  /// Aggregates (percentiles and success rates filled in), operations, sagas, failures by
  /// cause, the trend of the last trend_span ending at `now_unix_ms` (empty buckets
  /// included) and the recent windows. Identity, pool, long_running, alerts and health are
  /// left for the caller.
  metrics_snapshot snapshot(int64_t now_unix_ms) const;

  const metrics_store_settings& settings() const noexcept { return settings_; }

 private:
  /// A set of transactions counted together: overall, per label, failed attempts by cause.
  struct tx_counts {
    tx_aggregate overall;
    std::map<std::string, tx_aggregate> labels;
    std::map<std::string, int64_t> active_by_label;  // zeros left out
    std::map<std::string, uint64_t> failures_by_cause;

    void add(const std::string& label, const tx_record& r, size_t latency_bucket);
    std::vector<label_aggregate> by_label() const;
    std::vector<cause_count> causes() const;
  };
  using operation_key = std::tuple<std::string, tx_state, std::string>;

  void add_operation(const std::string& label, const tx_record& r, size_t latency_bucket);

  metrics_store_settings settings_;
  std::deque<tx_record> txs_;
  std::deque<saga_record> sagas_;
  label_limit labels_;
  tx_counts application_;
  tx_counts internal_;
  std::map<operation_key, operation_series> operations_;
  saga_aggregate saga_agg_;
  trend_buckets trend_;
};

}  // namespace actortx
