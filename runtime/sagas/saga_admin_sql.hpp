// The operator's SQL on the saga log: list, look up, retry, cancel. Pure builders of scripts
// and parsers of their outcomes (like saga_log.hpp); the saga operator actor runs them through
// a supervisor. Each command is ONE script, so it is atomic: it locks the saga row first, so
// commands (and the driving node's step transactions) on the same saga serialize on it.
#pragma once

#include <string>
#include <vector>

#include <actortx/saga_operations.hpp>
#include <actortx/statement.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// The largest saga_filter::limit.
inline constexpr uint32_t max_saga_list_limit = 10000;

/// What is wrong with a filter, or "" when it is fine.
std::string check_saga_filter(const saga_filter& f);
/// Sagas matching `f` (checked), newest first by creation.
tx_script saga_list_script(const saga_filter& f);
/// Throws std::runtime_error on an outcome that is not a committed list script's.
std::vector<saga_info> parse_saga_list(const tx_outcome& out);
/// Sagas in `state`, oldest update first (runtime::sagas_in_state); parsed by parse_saga_list.
tx_script sagas_in_state_script(saga_state state, size_t limit);

/// The saga row, its step rows and its events.
tx_script saga_lookup_script(const std::string& id);
/// found = false when the log has no saga `id`. Throws std::runtime_error as parse_saga_list.
saga_detail parse_saga_lookup(const std::string& id, const tx_outcome& out);

/// What is wrong with a command (id, by, reason), or "" when it is fine.
std::string check_saga_command(const saga_command& c);
/// Locks the saga row, then applies the command if the saga's state allows it (retry: FAILED;
/// cancel: STARTED, EXECUTING without a pending cancel, or FAILED) and records the event.
tx_script saga_command_script(const saga_command& c);
/// Accepted or refused (naming the state, who cancelled, or that there is no such saga).
/// Throws std::runtime_error as parse_saga_list.
saga_command_result parse_saga_command(const saga_command& c, const tx_outcome& out);

}  // namespace actortx
