// actortx's loggers: one spdlog logger per component ("actortx.pool", "actortx.saga", ...), each
// with its own level, all writing to one destination (stderr, or the logger a runtime_config
// supplies). State changes at debug, failures at warn; never a password.
#pragma once

#include <spdlog/logger.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace actortx {

/// Who logs: the logger of each is named "actortx.<name>" (to_string()).
enum class log_component : uint8_t {
  runtime,      ///< construction, shutdown, startup checks, the façade's calls
  pool,         ///< connections opened, dropped, retired, reset
  connection,   ///< a connection's attempts, cancels, the blocking lane
  supervisor,   ///< deadlines, retries, outcomes
  saga,         ///< sagas, their log, recovery and operations
  listen,       ///< LISTEN/NOTIFY listeners
  metrics,      ///< the metrics actor, alerts, the HTTP endpoints
  nodes,        ///< the node directory and remote peers
  maintenance,  ///< pruning
};
constexpr size_t log_component_count = 9;

/// "runtime", "pool", ...
const char* to_string(log_component c) noexcept;
/// The component named `name` (as to_string() spells it); false if there is none.
bool parse_log_component(const std::string& name, log_component& out) noexcept;

/// The component's logger (created on first use; loggers are thread-safe).
spdlog::logger& log(log_component c);
/// The runtime component's logger.
spdlog::logger& log();

/// Sets every component's level by name: trace, debug, info, warn, error, critical, off.
/// False (nothing changed) if the name is unknown.
bool set_log_level(const std::string& level);
/// Sets one component's level; false (nothing changed) if the level is unknown.
bool set_log_level(log_component c, const std::string& level);

/// What is wrong with a per-component spec such as "pool=debug, saga=warn" (blanks ignored,
/// empty = nothing to set), naming the part; empty if it is fine.
std::string log_levels_problem(const std::string& spec);
/// Applies such a spec; false (nothing changed) if log_levels_problem() finds anything.
bool set_log_levels(const std::string& spec);

/// Where every component's lines go from now on: `destination`'s sinks, filtered by its level
/// as well as the component's; each line keeps its component's logger name (%n). Null: a
/// logger registered with spdlog as "actortx" if there is one, else stderr with actortx's
/// pattern. Safe while other threads log.
void set_log_destination(std::shared_ptr<spdlog::logger> destination);
/// The current destination (the default one is made on first use). Change its sinks() only
/// while nothing logs (spdlog does not guard them); else set a new destination.
std::shared_ptr<spdlog::logger> log_destination();

}  // namespace actortx
