#include "runtime/policy/script_check.hpp"

#include <cctype>

namespace actortx {

size_t highest_placeholder(const std::string& sql) {
  size_t highest = 0;
  const size_t n = sql.size();
  size_t i = 0;
  auto skip_until = [&](const std::string& end) {
    auto j = sql.find(end, i);
    i = j == std::string::npos ? n : j + end.size();
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e')) {
      // E'...': backslash escapes, so \' does not end it.
      for (++i; i < n && sql[i] != '\''; ++i)
        if (sql[i] == '\\') ++i;
      ++i;
    } else if (c == '\'' || c == '"') {
      // '' and "" inside are escapes: the loop simply re-enters the literal.
      ++i;
      skip_until(std::string(1, c));
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      skip_until("\n");
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      i += 2;
      skip_until("*/");
    } else if (c == '$' && i + 1 < n && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t v = 0;
      ++i;
      while (i < n && std::isdigit(static_cast<unsigned char>(sql[i])) && v < 100000)
        v = v * 10 + static_cast<size_t>(sql[i++] - '0');
      if (v > highest) highest = v;
    } else if (c == '$') {
      // Dollar quoting: $tag$ ... $tag$ (tag: letters, digits, underscores, not a digit first).
      size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      if (j < n && sql[j] == '$' &&
          (i == 0 ||
           !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
        auto tag = sql.substr(i, j - i + 1);
        i = j + 1;
        skip_until(tag);
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  return highest;
}

std::string check_script(const tx_script& script) {
  const auto& sts = script.statements;
  if (sts.empty()) return "the script has no statements";
  if (sts.size() > max_script_statements)
    return "the script has " + std::to_string(sts.size()) + " statements, at most " +
           std::to_string(max_script_statements) + " are allowed";
  for (size_t k = 0; k < sts.size(); ++k) {
    const auto& st = sts[k];
    const auto where =
        "statement " + std::to_string(k + 1) + " of " + std::to_string(sts.size()) + ": ";
    bool blank = true;
    for (char c : st.sql)
      if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
    if (blank) return where + "the SQL is empty";
    if (st.sql.size() > max_statement_bytes)
      return where + "the SQL has " + std::to_string(st.sql.size()) + " bytes, at most " +
             std::to_string(max_statement_bytes) + " are allowed";
    if (st.sql.find('\0') != std::string::npos) return where + "the SQL contains a NUL byte";
    for (size_t p = 0; p < st.params.size(); ++p)
      if (!st.params[p].is_null && st.params[p].text.find('\0') != std::string::npos)
        return where + "parameter $" + std::to_string(p + 1) + " contains a NUL byte";
    auto used = highest_placeholder(st.sql);
    if (used != st.params.size())
      return where + std::to_string(st.params.size()) + " parameter(s) given, but its SQL uses " +
             (used == 0 ? std::string{"none"} : "$1..$" + std::to_string(used));
  }
  return {};
}

}  // namespace actortx
