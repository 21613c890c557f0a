// The trend: fixed-width time buckets of the application's finished transactions (by end
// time), and the recent windows (1 min, 5 min) computed from them.
//
// Windows are only as fine as the buckets: a window of N seconds is made of the buckets
// whose start lies within the N seconds ending now, so with 10 s buckets the "last 60 s"
// covers between 50 and 60 s (the current bucket is still filling). Keeping a second,
// finer structure for the cards would cost memory on every add() for a difference the
// cards' rounding hides.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

class trend_buckets {
 public:
  trend_buckets(std::chrono::seconds width, std::chrono::seconds span);

  /// Counts a transaction that ended at `end_unix_us` with `outcome`, its latency in
  /// `latency_bucket`. Ignored when it lies before the span kept behind the newest bucket.
  void add(int64_t end_unix_us, tx_state outcome, size_t latency_bucket);

  /// The span ending at `now_unix_ms`, oldest first, one point per bucket width: empty
  /// buckets included (finished() == 0: a gap, not a zero latency).
  std::vector<trend_point> points(int64_t now_unix_ms) const;

  /// The last `seconds` ending at `now_unix_ms` (see the bucket granularity above).
  latency_window window(int64_t now_unix_ms, int64_t seconds) const;

 private:
  struct bucket {
    int64_t unix_s = 0;
    uint64_t committed = 0;
    uint64_t rolled_back = 0;
    uint64_t errors = 0;
    std::vector<uint64_t> latency = std::vector<uint64_t>(latency_bucket_count, 0);
  };
  /// The bucket of `end_unix_us`, created if needed; nullptr when it is too old to keep.
  bucket* bucket_for(int64_t end_unix_us);

  int64_t width_s_;
  int64_t span_s_;
  std::deque<bucket> buckets_;  // oldest first, sorted by unix_s, gaps where nothing ended
};

}  // namespace actortx
