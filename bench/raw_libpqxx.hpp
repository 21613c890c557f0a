// Baselines: TPC-B straight through libpqxx, one connection per client thread.
#pragma once

#include <cstdint>
#include <string>

#include "timed_phase.hpp"

namespace bench {

/// exec_params: unnamed statements, parsed and planned by the server on every call.
phase_result run_raw_libpqxx(const std::string& dsn, int scale, const phase_settings& s,
                             uint64_t seed);

/// conn.prepare once per connection + exec_prepared: what a driver with a statement cache
/// does, and the baseline the actortx body is measured against.
phase_result run_raw_libpqxx_prepared(const std::string& dsn, int scale, const phase_settings& s,
                                      uint64_t seed);

}  // namespace bench
