// Scanning INI lines for section, key and value; syntax errors worded with the key.
#include "runtime/config/ini_lines.hpp"

#include <cctype>
#include <sstream>

#include <caf/message.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>

#include "runtime/config/config_value.hpp"

namespace actortx::config_detail {

namespace {

std::string trim(const std::string& s) {
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

/// Fills key and value when `line.text` reads "key = value" or "key {".
void split_key_value(ini_line& line) {
  const auto& t = line.text;
  if (t.empty() || !key_char(t[0]) || t[0] == '-') return;
  size_t end = 0;
  while (end < t.size() && key_char(t[end])) ++end;
  auto rest = trim(t.substr(end));
  if (rest.empty() || (rest[0] != '=' && rest[0] != '{')) return;
  line.key = t.substr(0, end);
  line.value = rest[0] == '=' ? trim(rest.substr(1)) : rest;
}

/// A likely cause of a syntax error, from the line's text.
std::string hint(caf::pec code, const ini_line& line) {
  if (!line.text.empty() && line.text[0] == '#') return "; comments start with ';', not '#'";
  if (code == caf::pec::fractional_timespan)
    return "; a duration is a whole number with a unit: 1500ms, not 1.5s";
  if (code == caf::pec::integer_overflow || code == caf::pec::integer_underflow)
    return "; the number is out of range";
  const auto& v = line.value;
  if (!v.empty() && v[0] == '"') return "; is the closing double quote missing?";
  if (!v.empty() && std::isalpha(static_cast<unsigned char>(v[0])) != 0 && v != "true" &&
      v != "false")
    return is_secret_key(line.key)
               ? "; a string needs double quotes"
               : "; a string needs double quotes: " + line.key + "=\"" + v + "\"";
  return {};
}

}  // namespace

std::vector<ini_line> scan_ini(const std::string& text) {
  std::vector<ini_line> out;
  std::istringstream in{text};
  std::string section = "global";
  for (std::string raw; std::getline(in, raw);) {
    ini_line line;
    line.text = trim(raw);
    if (!line.text.empty() && line.text[0] == '[')
      section = trim(line.text.substr(1, line.text.find(']') - 1));
    else
      split_key_value(line);
    line.section = section;
    out.push_back(std::move(line));
  }
  return out;
}

std::string qualified_key(const ini_line& line) {
  return line.section == "global" ? line.key : line.section + "." + line.key;
}

std::string location(const std::string& name, size_t line) {
  return "in " + name + ", line " + std::to_string(line);
}

config_error syntax_problem(const caf::error& err, const std::vector<ini_line>& lines,
                            const std::string& name) {
  auto code = static_cast<caf::pec>(err.code());
  int64_t line = 0, column = 0;
  if (err.context().match_element<caf::settings>(0)) {
    const auto& where = err.context().get_as<caf::settings>(0);
    line = caf::get_or(where, "line", int64_t{0});
    column = caf::get_or(where, "column", int64_t{0});
  }
  // CAF counts the column after the character it stopped at; column 1 means it stopped at the
  // newline that ends the line before.
  bool at_end = column <= 1 && line > 1;
  if (at_end) --line;
  if (lines.empty() || line < 1)
    return config_error(name, "", "syntax error (" + to_string(code) + ")");
  auto index = std::min(static_cast<size_t>(line), lines.size()) - 1;
  const auto& l = lines[index];
  auto at = at_end
                ? "at the end of line " + std::to_string(index + 1)
                : "at line " + std::to_string(index + 1) + ", column " + std::to_string(column - 1);
  auto why = "syntax error " + at + " of " + name + " (" + to_string(code) + ")" + hint(code, l);
  if (l.key.empty()) {
    // A line without a key may still hold a secret ("dashboard-token: ..."): not shown then.
    auto text = is_secret_key(l.text) ? std::string{"(hidden)"} : l.text;
    return config_error(name + " line " + std::to_string(index + 1), text, why);
  }
  return config_error(qualified_key(l), l.value, why);
}

}  // namespace actortx::config_detail
