// One CSV row's fields by column name, read as the reports' types, with errors that name the
// line, the column and the value that was wrong.
#pragma once

#include <charconv>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "runtime/observability/csv.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

class csv_record {
 public:
  csv_record(const csv_row& row, const std::map<std::string, size_t>& columns)
      : row_(row), columns_(columns) {}

  [[noreturn]] void fail(const std::string& column, const std::string& what) const {
    throw std::invalid_argument("line " + std::to_string(row_.line) + ", column " + column + ": " +
                                what);
  }

  bool has(const std::string& column) const { return columns_.count(column) > 0; }

  const std::string& text(const std::string& column) const {
    return row_.fields[columns_.at(column)];
  }

  /// Whole-field integer: no sign for unsigned, no blanks, no trailing text.
  template <class Int>
  Int integer(const std::string& column) const {
    Int out{};
    const auto& t = text(column);
    auto res = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || res.ec != std::errc{} || res.ptr != t.data() + t.size())
      fail(column, "not an integer in range: " + double_quoted(t));
    return out;
  }

  bool boolean(const std::string& column) const {
    const auto& t = text(column);
    if (t == "true") return true;
    if (t == "false") return false;
    fail(column, "expected true or false, found " + double_quoted(t));
  }

  /// A name read back with `parse` (parse_isolation, parse_tx_state).
  template <class Enum, class Parse>
  Enum name(const std::string& column, Parse parse, const char* what) const {
    Enum out{};
    const auto& t = text(column);
    if (!parse(t, out)) fail(column, std::string{"unknown "} + what + " " + double_quoted(t));
    return out;
  }

  /// A list of failure causes (cause_list.hpp), or an older file's failed_sqlstates.
  std::vector<std::string> causes(const std::string& column, bool legacy = false) const;
  /// "" or one failure cause.
  std::string cause_or_empty(const std::string& column) const;

 private:
  const csv_row& row_;
  const std::map<std::string, size_t>& columns_;
};

}  // namespace actortx
