// The hot-spot transfers through actortx's blocking API, one runtime per phase.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <actortx/tx_options.hpp>

#include "hotspot_common.hpp"

namespace bench::hotspot {

struct actortx_settings {
  std::string dsn;
  int clients = 32;
  int accounts = 10;
  size_t pool = 32;  ///< pool_min = pool_max
  std::chrono::duration<double> warmup{2};
  std::chrono::duration<double> measure{20};
  uint64_t seed = 42;
  std::string log_level = "warn";
  actortx::tx_options options;  ///< isolation, timeout and retry policy of every transfer
};

/// Starts a runtime, waits for its pool, runs `clients` threads of transfers for the warm-up
/// and the measured window, and stops the runtime again.
result run_actortx(const actortx_settings& s, std::string mode);

}  // namespace bench::hotspot
