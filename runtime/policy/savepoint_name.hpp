// Savepoint names go into SQL text (SAVEPOINT takes no bind parameters): only plain identifiers.
#pragma once

#include <string>

namespace actortx {

/// Prefix of the names tx::nested() generates; user names may not start with it.
inline constexpr const char* nested_savepoint_prefix = "actortx_sp_";

/// Empty if `name` is a valid unquoted identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63
/// bytes) outside the reserved prefix; else why not, naming it.
std::string savepoint_name_problem(const std::string& name);

}  // namespace actortx
