#include "runtime/policy/identifier.hpp"

#include <stdexcept>

namespace actortx {

namespace {

// ASCII only, whatever the process's locale: a name that passes must mean the same to the
// server in any client encoding.
bool ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string plain_identifier_problem(const std::string& what, const std::string& name) {
  auto bad = [&](const std::string& why) { return what + " \"" + name + "\" is invalid: " + why; };
  if (name.empty()) return bad("it is empty");
  if (name.size() > 63) return bad("it is longer than 63 bytes (PostgreSQL's identifier limit)");
  if (!(ascii_letter(name[0]) || name[0] == '_')) return bad("it must start with a letter or '_'");
  for (char c : name)
    if (!(ascii_letter(c) || ascii_digit(c) || c == '_' || c == '$'))
      return bad("only letters, digits, '_' and '$' are allowed");
  return {};
}

std::string quoted_identifier(const std::string& what, const std::string& name) {
  auto problem = plain_identifier_problem(what, name);
  if (!problem.empty()) throw std::invalid_argument(problem);
  // Only [A-Za-z0-9_$] passed the check: no quote to double, and ASCII folding is exactly
  // what the server does to an unquoted name.
  std::string out = "\"";
  for (char c : name) out += ascii_lower(c);
  out += '"';
  return out;
}

std::string quoted_table_name(const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return quoted_identifier("table name", name);
  if (name.find('.', dot + 1) != std::string::npos)
    throw std::invalid_argument("table name \"" + name +
                                "\" is invalid: at most one '.' (schema.table) is allowed");
  return quoted_identifier("schema name", name.substr(0, dot)) + '.' +
         quoted_identifier("table name", name.substr(dot + 1));
}

std::vector<std::string> quoted_column_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(quoted_identifier("column name", n));
  return out;
}

}  // namespace actortx
