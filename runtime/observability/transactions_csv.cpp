// transactions_csv and its inverse: one row per tx_record, columns found by header name.
// Columns added since the format was first written sit at the end and are optional on
// reading, so an older file still reads.
#include <algorithm>
#include <map>
#include <stdexcept>

#include <actortx/failure_cause.hpp>
#include <actortx/metrics_report.hpp>

#include "runtime/observability/cause_list.hpp"
#include "runtime/observability/csv.hpp"
#include "runtime/observability/csv_record.hpp"
#include "runtime/observability/report_names.hpp"
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
                                          "failure_causes",
                                          "savepoints",
                                          "rows",
                                          "deduplicated",
                                          "saga_id",
                                          "error_type",
                                          "internal",
                                          "timeout_ms",
                                          "correlation_id",
                                          "idempotency_key"};

/// Columns a file may lack: duration_seconds is derived from duration_us, the rest came
/// later. failure_causes may be an older file's failed_sqlstates instead.
const std::vector<std::string> optional_columns{
    "duration_seconds", "saga_id",        "error_type",     "internal",
    "timeout_ms",       "correlation_id", "failure_causes", "idempotency_key"};
constexpr const char* legacy_causes_column = "failed_sqlstates";

std::invalid_argument line_error(size_t line, const std::string& what) {
  return std::invalid_argument("line " + std::to_string(line) + ": " + what);
}

bool is_optional(const std::string& column) {
  return std::find(optional_columns.begin(), optional_columns.end(), column) !=
         optional_columns.end();
}

/// Column name -> index from the header row; every column the records need must be there.
std::map<std::string, size_t> read_header(const csv_row& header) {
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    if (!columns.emplace(header.fields[i], i).second)
      throw line_error(header.line, "duplicate column " + double_quoted(header.fields[i]));
  }
  for (const auto& c : tx_columns) {
    if (!is_optional(c) && columns.count(c) == 0)
      throw line_error(header.line, "missing column " + double_quoted(c));
  }
  if (columns.count("failure_causes") == 0 && columns.count(legacy_causes_column) == 0)
    throw line_error(header.line, "missing column \"failure_causes\"");
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
  r.failure_causes = in.has("failure_causes") ? in.causes("failure_causes")
                                              : in.causes(legacy_causes_column, true);
  r.savepoints = in.integer<uint32_t>("savepoints");
  r.rows = in.integer<uint64_t>("rows");
  r.deduplicated = in.boolean("deduplicated");
  if (in.has("saga_id")) r.saga_id = in.text("saga_id");
  if (in.has("error_type")) r.error_type = in.cause_or_empty("error_type");
  r.internal = in.has("internal") ? in.boolean("internal") : is_internal_label(r.label);
  if (in.has("timeout_ms"))
    r.timeout = std::chrono::milliseconds{in.integer<int64_t>("timeout_ms")};
  if (in.has("correlation_id")) r.correlation_id = in.text("correlation_id");
  if (in.has("idempotency_key")) r.idempotency_key = in.boolean("idempotency_key");
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

/// What is written always reads back: an error type that is no failure cause (from a peer
/// that predates causes) is written "other".
std::string error_type_text(const std::string& error_type) {
  if (error_type.empty() || is_failure_cause(error_type)) return error_type;
  return "other";
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
              to_string(r.state), join_causes(r.failure_causes), to_string(r.savepoints),
              to_string(r.rows), bool_text(r.deduplicated), r.saga_id,
              error_type_text(r.error_type), bool_text(r.internal), to_string(r.timeout.count()),
              r.correlation_id, bool_text(r.idempotency_key)});
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
