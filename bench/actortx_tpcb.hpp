// TPC-B through the actortx runtime: the same statements as a local body, blocking API.
#pragma once

#include <cstdint>
#include <string>

#include "timed_phase.hpp"

namespace bench {

/// Runs with a pool of exactly `s.clients` connections, as many as the raw baseline opens.
/// `metrics` turns the runtime's metrics (records, metrics actor) on or off.
phase_result run_actortx(const std::string& dsn, int scale, const phase_settings& s, uint64_t seed,
                         const std::string& log_level, bool metrics = true);

}  // namespace bench
