// The metrics model: recent records in bounded rings, aggregates per label and overall,
// latency histograms and the trend buckets. Pure and single-threaded: the metrics actor owns
// one; tests drive it directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

struct metrics_store_settings {
  size_t ring_capacity = 10000;           ///< recent tx records kept (and as many saga records)
  std::chrono::seconds trend_bucket{10};  ///< width of one trend point
  std::chrono::minutes trend_span{60};    ///< how far back the trend goes
};

/// Estimates the q-quantile (0..1) from non-cumulative bucket counts over
/// latency_bucket_bounds (+Inf last), interpolating linearly inside a bucket as Prometheus'
/// histogram_quantile does; the +Inf bucket answers the last finite bound. 0 when empty.
double histogram_quantile(const std::vector<uint64_t>& buckets, double q);

/// Index of the bucket that `seconds` falls into (le semantics: value <= bound).
size_t latency_bucket_index(double seconds);

class metrics_store {
 public:
  explicit metrics_store(metrics_store_settings settings = {});

  /// Counts a finished transaction into its label's and the overall aggregate and into the
  /// trend bucket of its end time; keeps it in the ring (oldest dropped).
  void add(const tx_record& r);
  /// Counts a saga that reached a final state; kept in the saga ring.
  void add(const saga_record& r);
  /// A saga started on this node (sagas.started).
  void saga_started();
  /// Transactions started and not finished yet, overall and per label (from the live
  /// counters / the supervisor); replaces the previous figures.
  void set_active(int64_t overall, const std::map<std::string, int64_t>& by_label = {});

  /// The record of transaction `id`, if still in the ring.
  std::optional<tx_record> find(uint64_t id) const;
  /// Records with `label`, newest first, at most `limit`.
  std::vector<tx_record> by_label(const std::string& label, size_t limit = 100) const;
  /// Records whose saga_id is `saga_id` (non-empty), newest first, at most `limit`.
  std::vector<tx_record> of_saga(const std::string& saga_id, size_t limit = 100) const;
  /// Newest first, at most `limit`.
  std::vector<tx_record> recent(size_t limit = 100) const;
  std::vector<saga_record> recent_sagas(size_t limit = 100) const;

  /// Aggregates (percentiles and success rates filled in), sagas, failures by SQLSTATE and the
  /// trend of the last trend_span ending at `now_unix_ms` (empty buckets included, so charts
  /// show gaps as zeros). Pool, long_running, alerts and health are left for the caller.
  metrics_snapshot snapshot(int64_t now_unix_ms) const;

  const metrics_store_settings& settings() const noexcept { return settings_; }

 private:
  struct bucket {
    int64_t unix_s = 0;
    uint64_t committed = 0;
    uint64_t failed = 0;
    std::vector<uint64_t> latency = std::vector<uint64_t>(latency_bucket_count, 0);
  };
  /// The trend bucket of a record ending at `end_unix_us`, created if needed; nullptr when it
  /// lies before the span kept behind the newest bucket.
  bucket* trend_bucket_for(int64_t end_unix_us);
  int64_t bucket_seconds() const noexcept;
  int64_t span_seconds() const noexcept;
  std::vector<trend_point> trend(int64_t now_unix_ms) const;

  metrics_store_settings settings_;
  std::deque<tx_record> txs_;
  std::deque<saga_record> sagas_;
  tx_aggregate overall_;
  std::map<std::string, tx_aggregate> labels_;
  std::map<std::string, int64_t> active_by_label_;  // from set_active, zeros left out
  saga_aggregate saga_agg_;
  std::map<std::string, uint64_t> failures_by_sqlstate_;
  std::deque<bucket> trend_;  // oldest first, sorted by unix_s, gaps where nothing ended
};

}  // namespace actortx
