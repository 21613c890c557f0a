// The lines of an INI text as section, key and value, to say where in a file a problem is:
// CAF's reader gives only line and column of a syntax error, and nothing for a dropped value.
#pragma once

#include <string>
#include <vector>

#include <caf/error.hpp>

#include <actortx/config_error.hpp>

namespace actortx::config_detail {

struct ini_line {
  std::string section = "global";  ///< of the last [section] above; "global" before any
  std::string key;                 ///< empty: the line has no key=value
  std::string value;               ///< the text after '=', trimmed
  std::string text;                ///< the whole line, trimmed
};

/// One entry per line of `text` (line n is entry n - 1).
std::vector<ini_line> scan_ini(const std::string& text);

/// "section.key" ("key" in the global section).
std::string qualified_key(const ini_line& line);

/// "in <name>, line <n>".
std::string location(const std::string& name, size_t line);

/// The config_error for a syntax error CAF's reader reported (a parser error with line and
/// column): it names the key on that line, or the file and line when the line has none.
config_error syntax_problem(const caf::error& err, const std::vector<ini_line>& lines,
                            const std::string& name);

}  // namespace actortx::config_detail
