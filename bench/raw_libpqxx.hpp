// Baseline: TPC-B straight through libpqxx, one connection per client thread.
#pragma once

#include <cstdint>
#include <string>

#include "timed_phase.hpp"

namespace bench {

phase_result run_raw_libpqxx(const std::string& dsn, int scale, const phase_settings& s,
                             uint64_t seed);

}  // namespace bench
