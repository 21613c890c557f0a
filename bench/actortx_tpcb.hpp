// TPC-B through the actortx runtime, blocking API: the same statements as a local body, or as
// a tx_script (data, which the runtime may send in one round trip).
#pragma once

#include <cstdint>
#include <string>

#include "timed_phase.hpp"

namespace bench {

/// Runs with a pool of exactly `s.clients` connections, as many as the raw baseline opens.
/// `metrics` turns the runtime's metrics (records, metrics actor) on or off.
phase_result run_actortx(const std::string& dsn, int scale, const phase_settings& s, uint64_t seed,
                         const std::string& log_level, bool metrics = true);

/// The same transaction as `rt.transact(opts, tx_script{...})`; the SELECT's row comes back
/// in the outcome, as a body's query result would.
phase_result run_actortx_script(const std::string& dsn, int scale, const phase_settings& s,
                                uint64_t seed, const std::string& log_level);

}  // namespace bench
