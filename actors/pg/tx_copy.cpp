// tx::copy_from and tx::copy_to: COPY in PostgreSQL's text format, rows escaped and read back
// here. libpqxx 6.4's stream_to only takes rows whose width is fixed at compile time (tuples,
// arrays; a std::vector row does not compile) and sends every byte above '~' as an octal
// escape, four bytes for one; so rows go out through tablewriter::write_raw_line, 6.4's one
// public way to send COPY data escaped by the caller, and come back through stream_from's
// raw lines. Neither quotes names: identifier.hpp checks and quotes them first.
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/stream_from>
#include <pqxx/tablewriter>

#include <actortx/tx.hpp>

#include "runtime/policy/identifier.hpp"

namespace actortx {

namespace {

/// Rows are sent in chunks of about this many bytes: a CopyData message need not end at a row,
/// and fewer, larger writes cost less than one per row.
constexpr size_t copy_chunk_bytes = 64 * 1024;

/// Client encodings whose multibyte characters may contain the byte of '\\' or '\t': COPY's
/// text format cannot be escaped or split byte by byte in them (PostgreSQL parses it per
/// character there). The runtime's connections use the database's encoding, never one of these.
void require_ascii_safe_encoding(pqxx::connection_base& conn, const char* what) {
  const auto enc = conn.get_client_encoding();
  for (const char* unsafe : {"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB"})
    if (enc == unsafe)
      throw std::runtime_error(std::string{what} +
                               " needs a client_encoding such as UTF8; this "
                               "connection uses " +
                               enc);
}

/// Appends `v` as one field of COPY's text format: \N for NULL; backslash, newline, carriage
/// return and tab escaped; every other byte (UTF-8 included) as it is.
void append_field(std::string& out, const sql_value& v) {
  if (v.is_null) {
    out += "\\N";
    return;
  }
  for (char c : v.text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The byte a backslash sequence at line[i] (just after the backslash) stands for, as
/// PostgreSQL's COPY reads it; advances `i` past the sequence.
char unescape_at(const std::string& line, size_t& i) {
  const char c = line[i++];
  switch (c) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      break;
  }
  if (c >= '0' && c <= '7') {  // up to three octal digits
    int value = c - '0';
    for (int k = 0; k < 2 && i < line.size() && line[i] >= '0' && line[i] <= '7'; ++k)
      value = value * 8 + (line[i++] - '0');
    return static_cast<char>(value & 0xff);
  }
  if (c == 'x' && i < line.size() && hex_digit(line[i]) >= 0) {  // one or two hex digits
    int value = hex_digit(line[i++]);
    if (i < line.size() && hex_digit(line[i]) >= 0) value = value * 16 + hex_digit(line[i++]);
    return static_cast<char>(value);
  }
  return c;  // any other escaped byte stands for itself (\\ included)
}

/// One line of COPY ... TO STDOUT's text format (its newline removed) as values.
std::vector<sql_value> parse_line(const std::string& line) {
  std::vector<sql_value> row;
  size_t i = 0;
  for (;;) {
    sql_value v;
    v.is_null = false;
    const size_t start = i;
    while (i < line.size() && line[i] != '\t') {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
        v.text += unescape_at(line, i);
      } else {
        v.text += line[i++];
      }
    }
    if (i - start == 2 && line.compare(start, 2, "\\N") == 0) v = sql_value::null();
    row.push_back(std::move(v));
    if (i >= line.size()) return row;
    ++i;  // the tab
  }
}

/// Every row must have one value per column (the first row's width when no columns are
/// named): checked before any SQL is sent, so a bad row cannot leave half a load behind.
void check_widths(const std::string& table, size_t columns,
                  const std::vector<std::vector<sql_value>>& rows) {
  const size_t width = columns > 0 ? columns : rows.front().size();
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].size() != width)
      throw std::invalid_argument("copy_from " + table + ": row " + std::to_string(i) + " has " +
                                  std::to_string(rows[i].size()) + " value(s), expected " +
                                  std::to_string(width));
}

}  // namespace

uint64_t tx::copy_from(const std::string& table, const std::vector<std::string>& columns,
                       const std::vector<std::vector<sql_value>>& rows) {
  const auto target = quoted_table_name(table);
  const auto names = quoted_column_names(columns);
  if (!rows.empty()) check_widths(table, names.size(), rows);
  require_ascii_safe_encoding(work_.conn(), "copy_from");
  // No names: "COPY t FROM STDIN", every column in table order.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  pqxx::tablewriter writer{work_, target, names.begin(), names.end()};
#pragma GCC diagnostic pop
  std::string chunk;
  chunk.reserve(copy_chunk_bytes + 1024);
  auto flush = [&] {
    if (chunk.empty()) return;
    writer.write_raw_line(chunk);  // drops the last '\n' and sends one of its own
    chunk.clear();
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) chunk += '\t';
      append_field(chunk, row[i]);
    }
    chunk += '\n';
    if (chunk.size() >= copy_chunk_bytes) flush();
  }
  flush();
  writer.complete();  // ends the COPY: the server's error, if any, is thrown here
  rows_ += rows.size();
  return rows.size();
}

uint64_t tx::copy_to(const std::string& table, const std::vector<std::string>& columns,
                     const std::function<void(const std::vector<sql_value>&)>& row) {
  const auto target = quoted_table_name(table);
  const auto names = quoted_column_names(columns);
  require_ascii_safe_encoding(work_.conn(), "copy_to");
  pqxx::stream_from reader{work_, target, names};  // no names: every column
  uint64_t n = 0;
  std::string line;
  // If `row` throws, the stream is left unread: the next statement (ROLLBACK TO SAVEPOINT,
  // ROLLBACK) makes libpq drop the rest of the COPY output (PQexecStart).
  while (reader.get_raw_line(line)) {
    if (!line.empty() && line.back() == '\n') line.pop_back();
    row(parse_line(line));
    ++n;
  }
  reader.complete();
  rows_ += n;
  return n;
}

}  // namespace actortx
