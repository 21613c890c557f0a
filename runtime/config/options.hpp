// The actortx config keys as CAF options: declared once, for caf_config and for the checks
// of keys and types (internal to runtime/config).
#pragma once

#include <string>

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>

namespace actortx::config_detail {

/// Declares every key of the "actortx" group (without bound members: read_config() reads them
/// from `content`, so that it can tell "unset" from "set").
void add_actortx_options(caf::config_option_set& options);

/// The "actortx" options alone, for checking settings that no caf_config parsed.
const caf::config_option_set& actortx_options();

/// What a value of `option` looks like, for messages: "a count", "a duration with a unit ...".
std::string expected_text(const caf::config_option& option);

}  // namespace actortx::config_detail
