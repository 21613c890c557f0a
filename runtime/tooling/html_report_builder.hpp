// The HTML run report's document builder: markup goes in raw, every text from the data goes
// through text()/row()/kpi(), which escape it.
#pragma once

#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace actortx {

class html_builder {
 public:
  html_builder& raw(std::string_view s);
  html_builder& text(const std::string& s);
  /// One <tr> of cells, {value, numeric}; numeric ones right-aligned.
  void row(std::initializer_list<std::pair<std::string, bool>> cells);
  /// Opens a table with this header row, {name, numeric}.
  void head(std::initializer_list<std::pair<const char*, bool>> cells);
  void empty_row(int columns, const char* text);
  void end_table();
  void kpi(const std::string& value, const char* key);
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace actortx
