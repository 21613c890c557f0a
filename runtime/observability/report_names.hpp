// How the JSON and CSV reports spell enum values, and reading them back. Readers reject an
// unknown name instead of guessing, so a typo in a report cannot turn into a wrong state.
#pragma once

#include <string_view>

#include <actortx/metrics.hpp>

namespace actortx {

/// "read_committed" ("READ COMMITTED", to_string's SQL spelling, is not a name in a report).
const char* isolation_name(isolation x) noexcept;

/// Inverses of isolation_name and to_string; false for an unknown text, `out` untouched.
bool parse_isolation(std::string_view text, isolation& out) noexcept;
bool parse_tx_state(std::string_view text, tx_state& out) noexcept;
bool parse_alert_level(std::string_view text, alert_level& out) noexcept;

}  // namespace actortx
