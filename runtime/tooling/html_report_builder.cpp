#include "runtime/tooling/html_report_builder.hpp"

#include <actortx/tooling/html_report.hpp>

namespace actortx {

html_builder& html_builder::raw(std::string_view s) {
  out_ << s;
  return *this;
}

html_builder& html_builder::text(const std::string& s) {
  out_ << html_escape(s);
  return *this;
}

void html_builder::row(std::initializer_list<std::pair<std::string, bool>> cells) {
  out_ << "<tr>";
  for (const auto& [value, numeric] : cells)
    out_ << (numeric ? "<td class=\"n\">" : "<td>") << html_escape(value) << "</td>";
  out_ << "</tr>\n";
}

void html_builder::head(std::initializer_list<std::pair<const char*, bool>> cells) {
  out_ << "<table><thead><tr>";
  for (const auto& [name, numeric] : cells)
    out_ << (numeric ? "<th class=\"n\">" : "<th>") << name << "</th>";
  out_ << "</tr></thead><tbody>\n";
}

void html_builder::empty_row(int columns, const char* text) {
  out_ << "<tr><td class=\"empty\" colspan=\"" << columns << "\">" << text << "</td></tr>\n";
}

void html_builder::end_table() {
  out_ << "</tbody></table>\n";
}

void html_builder::kpi(const std::string& value, const char* key) {
  out_ << "<div class=\"kpi\"><div class=\"v\">" << html_escape(value) << "</div><div class=\"k\">"
       << key << "</div></div>";
}

}  // namespace actortx
