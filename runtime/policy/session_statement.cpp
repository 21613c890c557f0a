#include "runtime/policy/session_statement.hpp"

#include <array>

namespace actortx {

namespace {

// ASCII only, without the locale: this runs for every statement a body sends.
char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool word_char(char c) noexcept {
  const char l = lower(c);
  return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Skips blanks and -- / /* */ comments from `i`.
size_t skip_blanks(std::string_view s, size_t i) noexcept {
  while (i < s.size()) {
    if (blank(s[i])) {
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

/// Whether `lower_needle`, whose '_' is at `underscore`, is in `s` around its '_' at `at`.
bool needle_at(std::string_view s, size_t at, std::string_view lower_needle,
               size_t underscore) noexcept {
  if (at < underscore || at - underscore + lower_needle.size() > s.size()) return false;
  const size_t start = at - underscore;
  for (size_t k = 0; k < lower_needle.size(); ++k)
    if (lower(s[start + k]) != lower_needle[k]) return false;
  return true;
}

/// pg_temp, set_config or a session advisory lock anywhere. Each has a '_', so only the '_'s
/// of the text are looked at ("advisory_lock" is in pg_advisory_lock, pg_try_advisory_lock
/// and their _shared forms, not in the transaction-scoped pg_advisory_xact_lock ones).
bool names_session_function(std::string_view s) noexcept {
  for (size_t u = s.find('_'); u != std::string_view::npos; u = s.find('_', u + 1))
    if (needle_at(s, u, "advisory_lock", 8) || needle_at(s, u, "set_config", 3) ||
        needle_at(s, u, "pg_temp", 2))
      return true;
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
  return names_session_function(sql);
}

}  // namespace actortx
