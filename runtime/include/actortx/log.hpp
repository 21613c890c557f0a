// The "actortx" spdlog logger. State changes at debug, failures at warn; never a password.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace actortx {

/// The shared logger (created on first use, colour stderr sink).
spdlog::logger& log();

/// Sets the level by name: trace, debug, info, warn, error, critical, off. False if unknown.
bool set_log_level(const std::string& level);

}  // namespace actortx
