// The texts of <actortx/rows.hpp>'s errors, written once for script rows and libpqxx rows alike:
// each names where (row, column index and name), what (the type) and the value it could not
// read, shown quoted and escaped, cut at 64 bytes.
#include <cctype>
#include <cstdio>

#include <actortx/rows.hpp>

#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

constexpr size_t shown_bytes = 64;

/// At most `limit` bytes of `text`, not cutting a UTF-8 character in two.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

/// Quotes and backslashes escaped, control characters as \n, \t or \xNN: a value with a line
/// break or a quote stays one readable token of the message.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

/// `"value"`, or `"first 64 bytes..." (N bytes)` for a longer one.
std::string shown(std::string_view value) {
  const auto head = utf8_prefix(value, shown_bytes);
  if (head.size() == value.size()) return double_quoted(escaped(value));
  return double_quoted(escaped(head) + "...") + " (" + std::to_string(value.size()) + " bytes)";
}

/// "row 3, column 2 \"age\": " — as much of it as is known.
std::string place(const detail::cell& c) {
  std::string out;
  if (c.row != detail::npos) out = "row " + std::to_string(c.row);
  if (c.column_index != detail::npos) {
    if (!out.empty()) out += ", ";
    out += "column " + std::to_string(c.column_index);
    if (!c.column.empty()) out += " " + double_quoted(escaped(c.column));
  }
  return out.empty() ? out : out + ": ";
}

std::string row_prefix(size_t row) {
  return row == detail::npos ? std::string{} : "row " + std::to_string(row) + ": ";
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

/// ": id, name, age", or nothing when there are no columns.
std::string column_list(const std::vector<std::string>& columns) {
  return columns.empty() ? std::string{} : ": " + join_names(columns);
}

}  // namespace

conversion_error::conversion_error(const std::string& message, std::string column,
                                   size_t column_index, size_t row, std::string type,
                                   std::optional<std::string> value)
    : row_error(message),
      column_(std::move(column)),
      column_index_(column_index),
      row_(row),
      type_(std::move(type)),
      value_(std::move(value)) {}

namespace detail {

void throw_unreadable(const cell& c, const std::string& type, std::string_view why) {
  throw conversion_error(
      place(c) + "cannot read " + shown(c.text) + " as " + type + ": " + std::string{why},
      std::string{c.column}, c.column_index, c.row, type,
      std::string{utf8_prefix(c.text, shown_bytes)});
}

void throw_null(const cell& c, const std::string& type) {
  throw conversion_error(
      place(c) + "cannot read NULL as " + type + " (read it as std::optional<" + type + ">)",
      std::string{c.column}, c.column_index, c.row, type, std::nullopt);
}

std::optional<bool> parse_pg_bool(std::string_view text) {
  std::string lower;
  for (char ch : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "t" || lower == "true") return true;
  if (lower == "f" || lower == "false") return false;
  return std::nullopt;
}

std::string integer_type_name(bool is_signed, size_t bytes) {
  return std::string{is_signed ? "int" : "uint"} + std::to_string(bytes * 8) + "_t";
}

void throw_no_column(std::string_view name, const std::vector<std::string>& columns, size_t row) {
  throw column_error(
      row_prefix(row) + "no column " + double_quoted(escaped(name)) +
      (columns.empty() ? "; there are no columns" : "; the columns are" + column_list(columns)));
}

void throw_no_index(size_t index, const std::vector<std::string>& columns, size_t row) {
  throw column_error(row_prefix(row) + "no column " + std::to_string(index) + "; the " +
                     (row == npos ? "result" : "row") + " has " +
                     plural(columns.size(), "column", "columns") + column_list(columns));
}

void throw_arity(const std::vector<std::string>& types, const std::vector<std::string>& columns,
                 size_t row) {
  throw row_error(row_prefix(row) + "reading " + plural(types.size(), "column", "columns") + " (" +
                  join_names(types) + ") from a row of " +
                  plural(columns.size(), "column", "columns") + column_list(columns));
}

void throw_no_row(size_t row, size_t rows) {
  throw row_error("no row " + std::to_string(row) + "; the result has " +
                  plural(rows, "row", "rows"));
}

void throw_not_single(const std::string& type, size_t rows,
                      const std::vector<std::string>& columns) {
  throw row_error("single<" + type + ">: expected 1 row with 1 column, got " +
                  plural(rows, "row", "rows") + " with " +
                  plural(columns.size(), "column", "columns") + column_list(columns));
}

}  // namespace detail
}  // namespace actortx
