// A transaction's failed SQLSTATEs in one CSV field: entries joined with ';'. An empty
// SQLSTATE (an error not from the server) is written "-", so that [""] and [] differ; '%',
// ';' and a lone '-' are %-escaped. Real SQLSTATEs (5 characters of [0-9A-Z]) read as they are.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace actortx {

std::string join_sqlstates(const std::vector<std::string>& states);

/// Inverse of join_sqlstates. On an entry it does not write: nullopt, and `bad` holds it.
std::optional<std::vector<std::string>> split_sqlstates(const std::string& text, std::string& bad);

}  // namespace actortx
