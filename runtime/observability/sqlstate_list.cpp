#include "runtime/observability/sqlstate_list.hpp"

#include <algorithm>

namespace actortx {

namespace {

std::string encode(const std::string& s) {
  if (s.empty()) return "-";
  if (s == "-") return "%2D";
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == ';')
      out += "%3B";
    else
      out += c;
  }
  return out;
}

/// Inverse of encode; false for an escape it does not write.
bool decode(const std::string& token, std::string& out) {
  out.clear();
  if (token == "-") return true;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '%') {
      out += token[i];
      continue;
    }
    const auto esc = token.substr(i, 3);
    if (esc == "%25")
      out += '%';
    else if (esc == "%3B")
      out += ';';
    else if (esc == "%2D")
      out += '-';
    else
      return false;
    i += 2;
  }
  return !out.empty();  // an empty entry is spelt "-"
}

}  // namespace

std::string join_sqlstates(const std::vector<std::string>& states) {
  std::string out;
  for (size_t i = 0; i < states.size(); ++i) {
    if (i > 0) out += ';';
    out += encode(states[i]);
  }
  return out;
}

std::optional<std::vector<std::string>> split_sqlstates(const std::string& text, std::string& bad) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (size_t from = 0;;) {
    const size_t to = std::min(text.find(';', from), text.size());
    std::string entry;
    if (!decode(text.substr(from, to - from), entry)) {
      bad = text.substr(from, to - from);
      return std::nullopt;
    }
    out.push_back(std::move(entry));
    if (to == text.size()) return out;
    from = to + 1;
  }
}

}  // namespace actortx
