#include "runtime/observability/csv.hpp"

#include <charconv>

namespace actortx {

namespace {

bool is_delimiter(char c) noexcept {
  return c == ',' || c == '\r' || c == '\n';
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void append_csv_row(std::string& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    first = false;
    out += csv_field(f);
  }
  out += csv_line_end;
}

std::string csv_number(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

bool csv_reader::next(csv_row& row) {
  while (pos_ < text_.size()) {
    row.line = line_;
    row.fields.clear();
    read_row(row);
    if (row.fields.size() > 1 || !row.fields.front().empty()) return true;
  }
  return false;
}

void csv_reader::read_row(csv_row& row) {
  for (;;) {
    row.fields.push_back(read_field(row));
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    end_of_row(row);
    return;
  }
}

std::string csv_reader::read_field(const csv_row& row) {
  return pos_ < text_.size() && text_[pos_] == '"' ? read_quoted(row) : read_plain(row);
}

std::string csv_reader::read_plain(const csv_row& row) {
  std::string out;
  while (pos_ < text_.size() && !is_delimiter(text_[pos_])) {
    if (text_[pos_] == '"') fail(row, "a quote inside an unquoted field");
    out += text_[pos_++];
  }
  return out;
}

std::string csv_reader::read_quoted(const csv_row& row) {
  std::string out;
  const size_t opened_on = line_;
  ++pos_;  // opening quote
  for (;;) {
    if (pos_ >= text_.size()) fail(row, "unterminated quoted field", opened_on);
    const char c = text_[pos_++];
    if (c == '"') {
      if (pos_ < text_.size() && text_[pos_] == '"') {
        out += '"';
        ++pos_;
        continue;
      }
      break;
    }
    if (c == '\n') ++line_;
    out += c;
  }
  if (pos_ < text_.size() && !is_delimiter(text_[pos_])) fail(row, "text after the closing quote");
  return out;
}

void csv_reader::end_of_row(const csv_row& row) {
  if (pos_ >= text_.size()) return;
  if (text_[pos_] == '\r') {
    if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n')
      fail(row, "a carriage return outside quotes");
    ++pos_;
  }
  ++pos_;  // '\n'
  ++line_;
}

void csv_reader::fail(const csv_row& row, const std::string& what) const {
  fail(row, what, line_);
}

void csv_reader::fail(const csv_row& row, const std::string& what, size_t line) const {
  throw csv_syntax_error{line, row.fields.size(), what};
}

}  // namespace actortx
