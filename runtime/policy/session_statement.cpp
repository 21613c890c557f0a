#include "runtime/policy/session_statement.hpp"

#include <array>
#include <cctype>

namespace actortx {

namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool word_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// Skips blanks and -- / /* */ comments from `i`.
size_t skip_blanks(std::string_view s, size_t i) noexcept {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i])) != 0) {
      ++i;
    } else if (s.compare(i, 2, "--") == 0) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      auto end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

/// The word at `i` (letters, digits, '_'), and `i` moved past it and the blanks after it.
std::string_view next_word(std::string_view s, size_t& i) noexcept {
  i = skip_blanks(s, i);
  const size_t start = i;
  while (i < s.size() && word_char(s[i])) ++i;
  auto w = s.substr(start, i - start);
  i = skip_blanks(s, i);
  return w;
}

bool is(std::string_view word, std::string_view lower_keyword) noexcept {
  if (word.size() != lower_keyword.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (lower(word[k]) != lower_keyword[k]) return false;
  return true;
}

bool session_keyword(std::string_view first) noexcept {
  static constexpr std::array<std::string_view, 10> keywords{
      "reset",   "prepare", "deallocate", "listen", "unlisten",
      "declare", "discard", "load",       "do",     "set"};
  for (auto k : keywords)
    if (is(first, k)) return true;
  return false;
}

/// CREATE [OR REPLACE] [GLOBAL | LOCAL] TEMP | TEMPORARY ..., after CREATE.
bool creates_temp(std::string_view s, size_t i) noexcept {
  auto w = next_word(s, i);
  if (is(w, "or")) {
    next_word(s, i);  // REPLACE
    w = next_word(s, i);
  }
  if (is(w, "global") || is(w, "local")) w = next_word(s, i);
  return is(w, "temp") || is(w, "temporary");
}

/// Whether a lower-cased needle occurs anywhere, case-insensitively.
bool contains(std::string_view s, std::string_view lower_needle) noexcept {
  if (lower_needle.size() > s.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < lower_needle.size() && lower(s[i + k]) == lower_needle[k]) ++k;
    if (k == lower_needle.size()) return true;
  }
  return false;
}

}  // namespace

bool may_change_session(std::string_view sql) noexcept {
  size_t i = 0;
  const auto first = next_word(sql, i);
  if (is(first, "set")) {
    const auto scope = next_word(sql, i);
    return !(is(scope, "local") || is(scope, "transaction") || is(scope, "constraints"));
  }
  if (session_keyword(first)) return true;
  if (is(first, "create") && creates_temp(sql, i)) return true;
  // "advisory_lock" is in pg_advisory_lock, pg_try_advisory_lock and their _shared forms,
  // not in the transaction-scoped pg_advisory_xact_lock ones.
  return contains(sql, "advisory_lock") || contains(sql, "set_config") || contains(sql, "pg_temp");
}

}  // namespace actortx
