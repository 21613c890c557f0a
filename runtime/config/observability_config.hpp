// The observability part of runtime_config: metrics, alerts, health and dashboard options
// (config keys actortx.metrics*, actortx.alert-*, actortx.health-*, actortx.dashboard*).
#pragma once

#include <caf/config_option_set.hpp>
#include <caf/settings.hpp>

#include <actortx/runtime_config.hpp>

namespace actortx {

void add_observability_options(caf::config_option_set& options);
/// Reads the keys that are set into `out`; throws config_error naming a mistyped key.
void read_observability(const caf::settings& content, runtime_config& out);
/// Throws config_error on the first invalid observability value.
void validate_observability(const runtime_config& cfg);

}  // namespace actortx
