// The fault schedule of a run: which fault, when, and against what. A pure function of the
// seed and the run's settings, so the same --seed (with the same options) injects the same
// faults at the same offsets, and a user can compare two runs by the printed digest.
#pragma once

#include <chrono>
#include <cstdint>
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

/// The schedule, ordered by `at`. Gaps are exponential with the plan's mean (at least 100 ms);
/// kinds are drawn from a shuffled bag of all of the plan's kinds, so every kind comes once
/// before any comes twice (a short run still sees each). Empty when the plan has no kinds.
std::vector<fault_event> make_fault_schedule(const fault_plan& p);

/// One line, e.g. "lock A accounts 3,7 for 350 ms" or "terminate up to 2 backends".
std::string describe(const fault_event& e);

/// FNV-1a (64 bit) over the offsets and descriptions: equal digests, equal schedules.
uint64_t schedule_digest(const std::vector<fault_event>& s);

/// 16 lower-case hex digits.
std::string digest_text(uint64_t digest);

}  // namespace stress
