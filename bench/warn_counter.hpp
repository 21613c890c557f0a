// Counts what actortx's logger says about stopping attempts at their deadline (for
// actortx-bench-deadline: a cut means the server did not obey the cancel within cancel_grace).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace bench {

struct warn_counts {
  std::atomic<int64_t> cuts{0};             ///< "cut a connection ..." (cancel not obeyed in time)
  std::atomic<int64_t> cancel_failures{0};  ///< "cancel of backend ... failed"
  std::atomic<int64_t> other{0};            ///< any other warning or error
};

/// Adds a counting sink to actortx's logger at warn level; its existing sinks then show
/// errors only (a cut per sample would flood the terminal). Call before the runtime starts.
std::shared_ptr<warn_counts> count_runtime_warnings();

}  // namespace bench
