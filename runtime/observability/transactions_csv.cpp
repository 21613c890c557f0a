// transactions_csv and its inverse: one row per tx_record, columns found by header name.
#include <charconv>
#include <map>
#include <stdexcept>
#include <system_error>

#include <actortx/metrics_report.hpp>

#include "runtime/observability/csv.hpp"
#include "runtime/observability/report_names.hpp"
#include "runtime/observability/sqlstate_list.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

const std::vector<std::string> tx_columns{"id",
                                          "label",
                                          "isolation",
                                          "read_only",
                                          "start_unix_us",
                                          "duration_us",
                                          "duration_seconds",
                                          "attempts",
                                          "state",
                                          "failed_sqlstates",
                                          "savepoints",
                                          "rows",
                                          "deduplicated",
                                          "saga_id"};

/// Whole-field integer parse: no sign for unsigned, no blanks, no trailing text.
template <class Int>
bool parse_int(const std::string& text, Int& out) {
  if (text.empty()) return false;
  auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc{} && res.ptr == text.data() + text.size();
}

/// A row's fields by column name, and errors that name the line and the column.
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

  template <class Int>
  Int integer(const std::string& column) const {
    Int out{};
    const auto& t = text(column);
    if (!parse_int(t, out)) fail(column, "not an integer in range: " + double_quoted(t));
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

  std::vector<std::string> sqlstates(const std::string& column) const {
    std::string bad;
    auto out = split_sqlstates(text(column), bad);
    if (!out)
      fail(column, "bad SQLSTATE entry " + double_quoted(bad) + " (an empty one is written \"-\")");
    return std::move(*out);
  }

 private:
  const csv_row& row_;
  const std::map<std::string, size_t>& columns_;
};

std::invalid_argument line_error(size_t line, const std::string& what) {
  return std::invalid_argument("line " + std::to_string(line) + ": " + what);
}

/// Column name -> index from the header row; every column the records need must be there.
std::map<std::string, size_t> read_header(const csv_row& header) {
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    if (!columns.emplace(header.fields[i], i).second)
      throw line_error(header.line, "duplicate column " + double_quoted(header.fields[i]));
  }
  for (const auto& c : tx_columns) {
    // duration_seconds is derived from duration_us, and files written before records named
    // their saga have no saga_id: a file without them still parses.
    if (c != "duration_seconds" && c != "saga_id" && columns.count(c) == 0)
      throw line_error(header.line, "missing column " + double_quoted(c));
  }
  return columns;
}

tx_record read_tx_row(const csv_record& in) {
  tx_record r;
  r.id = in.integer<uint64_t>("id");
  r.label = in.text("label");
  r.iso = in.name<isolation>("isolation", parse_isolation, "isolation");
  r.read_only = in.boolean("read_only");
  r.start_unix_us = in.integer<int64_t>("start_unix_us");
  r.duration = std::chrono::microseconds{in.integer<int64_t>("duration_us")};
  r.attempts = in.integer<uint32_t>("attempts");
  r.state = in.name<tx_state>("state", parse_tx_state, "state");
  r.failed_sqlstates = in.sqlstates("failed_sqlstates");
  r.savepoints = in.integer<uint32_t>("savepoints");
  r.rows = in.integer<uint64_t>("rows");
  r.deduplicated = in.boolean("deduplicated");
  if (in.has("saga_id")) r.saga_id = in.text("saga_id");
  return r;
}

std::string syntax_message(const csv_syntax_error& e, const std::vector<std::string>* header) {
  std::string where = "line " + std::to_string(e.line);
  if (header && e.field < header->size())
    where += ", column " + (*header)[e.field];
  else
    where += ", field " + std::to_string(e.field + 1);
  return where + ": " + e.what;
}

/// The next row; a syntax error named by the header's columns when there is a header.
bool next_row(csv_reader& reader, csv_row& row, const std::vector<std::string>* header) {
  try {
    return reader.next(row);
  } catch (const csv_syntax_error& e) {
    throw std::invalid_argument(syntax_message(e, header));
  }
}

std::string header_line() {
  std::string out;
  for (const auto& c : tx_columns) {
    if (!out.empty()) out += ',';
    out += c;
  }
  return out + csv_line_end;
}

std::string bool_text(bool b) {
  return b ? "true" : "false";
}

}  // namespace

std::string transactions_csv(const std::vector<tx_record>& records) {
  std::string out = header_line();
  for (const auto& r : records) {
    using std::to_string;
    append_csv_row(
        out, {to_string(r.id), r.label, isolation_name(r.iso), bool_text(r.read_only),
              to_string(r.start_unix_us), to_string(r.duration.count()),
              csv_number(static_cast<double>(r.duration.count()) / 1e6), to_string(r.attempts),
              to_string(r.state), join_sqlstates(r.failed_sqlstates), to_string(r.savepoints),
              to_string(r.rows), bool_text(r.deduplicated), r.saga_id});
  }
  return out;
}

std::vector<tx_record> transactions_from_csv(const std::string& csv) {
  csv_reader reader{csv};
  csv_row header;
  if (!next_row(reader, header, nullptr)) throw line_error(1, "missing header row");
  const auto columns = read_header(header);
  std::vector<tx_record> out;
  for (csv_row row; next_row(reader, row, &header.fields);) {
    if (row.fields.size() != header.fields.size())
      throw line_error(row.line, "expected " + std::to_string(header.fields.size()) +
                                     " fields, found " + std::to_string(row.fields.size()));
    out.push_back(read_tx_row(csv_record{row, columns}));
  }
  return out;
}

}  // namespace actortx
