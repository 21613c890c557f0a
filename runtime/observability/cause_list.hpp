// A transaction's failure causes in one CSV field: entries joined with ';'. Each entry is a
// SQLSTATE or a cause name (failure_cause.hpp), neither of which holds a ';', so no escaping.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace actortx {

/// The causes joined with ';'. An entry that is no failure cause (a record from a peer that
/// predates causes may carry "") is written "other": what is written always reads back.
std::string join_causes(const std::vector<std::string>& causes);

/// Inverse of join_causes. On an entry that is no failure cause: nullopt, and `bad` holds it.
std::optional<std::vector<std::string>> split_causes(const std::string& text, std::string& bad);

/// An older file's failed_sqlstates field: SQLSTATEs, and "-" for an error that did not come
/// from the server, read as "other".
std::optional<std::vector<std::string>> split_legacy_sqlstates(const std::string& text,
                                                               std::string& bad);

}  // namespace actortx
