// The fault schedule of a run: which fault, when, and against what. A pure function of the
// seed and the run's settings, so the same --seed (with the same options) injects the same
// faults at the same offsets, and a user can compare two runs by the printed digest.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fault_kind.hpp"

namespace stress {

/// Everything the schedule depends on.
struct fault_plan {
  uint64_t seed = 0;
  /// The kinds this run can inject, canonical order (see fault_kind.hpp), no duplicates.
  std::vector<fault_kind> kinds;
  std::chrono::milliseconds run_length{0};
  /// Mean time between two faults (the gaps are exponentially distributed).
  std::chrono::milliseconds mean_interval{2000};
  int databases = 1;     ///< 1, or 2 when sagas run across databases A and B
  int accounts = 100;    ///< per database: lock bursts pick among 1..accounts
  int hot_accounts = 0;  ///< > 0: lock bursts pick among the hot accounts 1..hot_accounts
  int nodes = 0;         ///< worker node processes (kill-node picks one)
};

struct fault_event {
  std::chrono::milliseconds at{0};  ///< offset from the start of the workload
  fault_kind kind = fault_kind::terminate;
  int victims = 0;                    ///< terminate, cancel: at most this many backends
  int database = 0;                   ///< lock, proxy: 0 = A, 1 = B; proxy: -1 = a worker's
  std::vector<int> accounts;          ///< lock: the rows locked, ascending
  std::chrono::milliseconds hold{0};  ///< lock: how long the locks are held; kill-node: downtime
  int node = 0;                       ///< kill-node, proxy with nodes: which worker (0-based)

  friend bool operator==(const fault_event& a, const fault_event& b);
};

/// No fault before this offset: the runtime is warmed up and the first commits are in.
std::chrono::milliseconds fault_warmup(std::chrono::milliseconds run_length);
/// No fault in this last stretch of the run: recovery from the last one is still observed.
std::chrono::milliseconds fault_quiet_tail(std::chrono::milliseconds run_length);

/// splitmix64, written out rather than std::*_distribution: those are implementation-defined,
/// and the schedule must come out the same with any standard library.
class schedule_rng {
 public:
  explicit schedule_rng(uint64_t seed) : state_(seed ^ 0x5eed'fa17'5c4e'd01eULL) {}
  uint64_t next() noexcept;
  /// Uniform in [0, 1).
  double unit() noexcept;
  /// Uniform in [lo, hi] (the modulo bias is negligible for these small ranges).
  int between(int lo, int hi) noexcept;

 private:
  uint64_t state_;
};

/// The schedule, one fault at a time, ordered by `at`: generated lazily, so its memory does
/// not grow with the run's length. Gaps are exponential with the plan's mean (at least
/// 100 ms); kinds are drawn from a shuffled bag of all of the plan's kinds, so every kind
/// comes once before any comes twice (a short run still sees each). Nothing when the plan has
/// no kinds.
class fault_schedule_generator {
 public:
  explicit fault_schedule_generator(fault_plan p);
  /// The next fault, or nullopt once the schedule is over.
  std::optional<fault_event> next();

 private:
  fault_plan p_;
  schedule_rng rng_;
  std::chrono::milliseconds t_;
  std::chrono::milliseconds last_;
  std::vector<fault_kind> bag_;
  bool done_;
};

/// The whole schedule at once (tests; a run uses the generator).
std::vector<fault_event> make_fault_schedule(const fault_plan& p);

/// What is printed before a run: the number of faults, the digest, and the first `shown`.
struct schedule_summary {
  int64_t count = 0;
  uint64_t digest = 0;
  std::vector<fault_event> first;
};

/// One pass over the schedule, keeping only the summary (no memory for the rest).
schedule_summary summarize_schedule(const fault_plan& p, size_t shown = 5);

/// One line, e.g. "lock A accounts 3,7 for 350 ms" or "terminate up to 2 backends".
std::string describe(const fault_event& e);

/// FNV-1a (64 bit) over the offsets and descriptions: equal digests, equal schedules.
uint64_t schedule_digest(const std::vector<fault_event>& s);
/// The digest, one event at a time: start from digest_seed, fold each event in order.
inline constexpr uint64_t digest_seed = 0xcbf29ce484222325ULL;
uint64_t digest_fold(uint64_t digest, const fault_event& e);

/// 16 lower-case hex digits.
std::string digest_text(uint64_t digest);

}  // namespace stress
