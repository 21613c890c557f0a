#include "runtime/policy/savepoint_name.hpp"

#include <cctype>
#include <cstring>

namespace actortx {

std::string savepoint_name_problem(const std::string& name) {
  auto bad = [&](const std::string& why) {
    return "savepoint name \"" + name + "\" is invalid: " + why;
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > 63) return bad("it is longer than 63 bytes (PostgreSQL's identifier limit)");
  auto c0 = static_cast<unsigned char>(name[0]);
  if (!(std::isalpha(c0) || c0 == '_')) return bad("it must start with a letter or '_'");
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_' || c == '$'))
      return bad("only letters, digits, '_' and '$' are allowed");
  }
  // Unquoted identifiers fold to lower case, so compare case-insensitively.
  std::string lower;
  for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind(nested_savepoint_prefix, 0) == 0)
    return bad(std::string{"the prefix "} + nested_savepoint_prefix + " is reserved for nested()");
  return {};
}

}  // namespace actortx
