// Checks a tx_script before it reaches the database: scripts arrive from other nodes, and a
// malformed one must be refused with a message naming the statement, not fail half-way.
#pragma once

#include <string>

#include <actortx/statement.hpp>

namespace actortx {

/// Limits of one script; generous for real work, small enough that a buggy or hostile peer
/// cannot make a node buffer gigabytes.
inline constexpr size_t max_script_statements = 10000;
inline constexpr size_t max_statement_bytes = 1 << 20;

/// The highest $n placeholder in `sql` outside literals, quoted identifiers and comments
/// (0 when there is none).
size_t highest_placeholder(const std::string& sql);

/// Empty when `script` can be sent as is; otherwise the first problem, e.g.
/// "statement 2 of 3: 1 parameter(s) given, but its SQL uses $1..$2".
std::string check_script(const tx_script& script);

}  // namespace actortx
