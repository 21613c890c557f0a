// Memory per in-flight saga: N sagas (or, for comparison, N plain transactions) wait for a
// connection while the pool's connections are blocked on a table lock; the RSS they add is
// measured, then the lock is released and they are left to finish. Runs in a process of its
// own (a child of actortx-bench-saga), so that nothing measured before skews the RSS.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace bench::saga {

enum class inflight_kind { saga, tx };

const char* to_string(inflight_kind k) noexcept;

struct memory_settings {
  inflight_kind kind = inflight_kind::saga;
  size_t count = 100000;    ///< sagas (or transactions) in flight at once
  size_t pool = 8;          ///< connections; all of them block on the lock
  int hold_seconds = 12;    ///< how long all stay in flight (RSS sampled throughout)
  int drain_timeout = 900;  ///< seconds to wait for all to finish after the release
  /// The runtime's long-running threshold; every queued transaction passes the default (5 s)
  /// and would log a warning of its own.
  std::chrono::milliseconds long_running{std::chrono::hours(1)};
  uint64_t seed = 42;
  std::string log_level = "warn";
  size_t scheduler_threads = 0;  ///< CAF workers; 0: the runtime's default (one per core)
  size_t max_running = 1000;     ///< actortx.saga-max-running of the saga side
};

/// The child's side: runs against $ACTORTX_DSN (tables made by create_schema()) and prints one
/// "memory-result key=value ..." line on stdout. Returns the exit code.
int run_memory_child(const memory_settings& s);

/// What the child measured (bytes, seconds, counts).
struct memory_result {
  inflight_kind kind = inflight_kind::saga;
  int64_t count = 0;
  int64_t rss_before = 0;     ///< after warm-up, before the first request
  int64_t rss_inflight = 0;   ///< when all `count` waited in the pool's queue
  int64_t rss_hold_peak = 0;  ///< highest RSS while all were held in flight
  int64_t heap_before = 0;    ///< malloc'ed bytes in use (mallinfo2), same moments
  int64_t heap_inflight = 0;
  int64_t running = -1;   ///< running_sagas().size() at the end of the hold (sagas only)
  double submit_s = 0;    ///< from the first request until all were queued
  double drain_s = 0;     ///< from the release until all had committed (or the timeout)
  int64_t completed = 0;  ///< committed after the release

  double per_item(int64_t rss) const {
    return count > 0 ? static_cast<double>(rss - rss_before) / static_cast<double>(count) : 0;
  }
  double heap_per_item() const {
    return count > 0 ? static_cast<double>(heap_inflight - heap_before) / static_cast<double>(count)
                     : 0;
  }
};

/// Parses the child's "memory-result" line; std::runtime_error if there is none.
memory_result parse_memory_result(const std::string& output);

/// The memory table (markdown) with its explanation; `o` gives the pool, hold and workers.
void print_memory(std::ostream& out, const std::vector<memory_result>& rows,
                  const memory_settings& o);

/// Resident set size of this process, from /proc/self/statm.
int64_t rss_bytes();
/// Bytes malloc has handed out and not got back, all arenas (glibc mallinfo2).
int64_t heap_bytes();

}  // namespace bench::saga
