// RFC 4180 CSV, as the reports write and read it: quoted fields where needed, CRLF line ends
// (LF accepted), line breaks inside quoted fields, errors that name the physical line.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace actortx {

inline constexpr const char* csv_line_end = "\r\n";

/// `s` as one field: quoted, quotes doubled, when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);
/// The fields as one row, each through csv_field, and the line end.
void append_csv_row(std::string& out, std::initializer_list<std::string> fields);
/// Shortest text that parses back to the same double.
std::string csv_number(double v);

/// A syntax error of the CSV text itself, before the field is known by name.
struct csv_syntax_error {
  size_t line;
  size_t field;  ///< 0-based index in the row
  std::string what;
};

struct csv_row {
  size_t line = 0;  ///< physical line the row starts on, 1-based
  std::vector<std::string> fields;
};

/// Reads rows one at a time. Throws csv_syntax_error.
class csv_reader {
 public:
  explicit csv_reader(const std::string& text) : text_(text) {}

  /// False at the end of the text. Blank lines are skipped.
  bool next(csv_row& row);

 private:
  void read_row(csv_row& row);
  std::string read_field(const csv_row& row);
  std::string read_plain(const csv_row& row);
  std::string read_quoted(const csv_row& row);
  void end_of_row(const csv_row& row);
  [[noreturn]] void fail(const csv_row& row, const std::string& what) const;
  [[noreturn]] void fail(const csv_row& row, const std::string& what, size_t line) const;

  const std::string& text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace actortx
