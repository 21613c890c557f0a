// The actortx config keys as CAF options, declared for caf_config (internal to runtime/config).
#pragma once

#include <caf/config_option_set.hpp>

namespace actortx::config_detail {

/// Declares every key of the "actortx" group (without bound members: read_config() reads them
/// from `content`, so that it can tell "unset" from "set").
void add_actortx_options(caf::config_option_set& options);

}  // namespace actortx::config_detail
