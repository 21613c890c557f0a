// Runs N client threads for a warm-up, then a measured window, and times every transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

struct phase_settings {
  int clients = 1;
  std::chrono::duration<double> warmup{2};
  std::chrono::duration<double> measure{10};
};

struct phase_result {
  int64_t transactions = 0;  ///< committed and finished inside the measured window
  int64_t errors = 0;        ///< failed inside the measured window
  std::string first_error;
  std::vector<int64_t> latencies_ns;  ///< of the counted transactions
  double seconds = 0;                 ///< length of the measured window
  /// The whole process's CPU (user + system, every thread) and context switches (voluntary +
  /// involuntary) during the measured window, from getrusage(RUSAGE_SELF): attributable to
  /// this phase only while nothing else runs in the process.
  double cpu_us = 0;
  int64_t context_switches = 0;

  double tps() const { return seconds > 0 ? static_cast<double>(transactions) / seconds : 0; }
};

/// One client's transaction: true if it committed; may throw (counted as an error).
using client_fn = std::function<bool()>;
/// Called once on each client thread before the clock starts (e.g. to connect).
using client_factory = std::function<client_fn(int index)>;

/// All clients are set up before the warm-up starts; a transaction counts if it started after
/// the warm-up and ended before the window closed; the calling thread sleeps meanwhile and
/// samples getrusage at the window's two ends. Rethrows a factory's exception.
phase_result run_phase(const phase_settings& s, const client_factory& make_client);

}  // namespace bench
