#include "runtime/observability/http_auth.hpp"

#include <cctype>

namespace actortx {

namespace {

constexpr std::string_view token_key = "token=";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

/// Calls `f` with each "key=value" (or bare "key") parameter of a raw query string.
template <class F>
void for_each_parameter(std::string_view query, F f) {
  size_t from = 0;
  while (from <= query.size()) {
    auto amp = query.find('&', from);
    if (amp == std::string_view::npos) amp = query.size();
    auto pair = query.substr(from, amp - from);
    if (!pair.empty()) f(pair);
    from = amp + 1;
  }
}

}  // namespace

bool same_secret(std::string_view expected, std::string_view given) noexcept {
  unsigned diff = expected.size() == given.size() ? 0U : 1U;
  for (size_t i = 0; i < given.size(); ++i) {
    const char want = i < expected.size() ? expected[i] : '\0';
    diff |= static_cast<unsigned char>(want ^ given[i]);
  }
  return diff == 0 && !expected.empty();
}

bool request_carries_token(std::string_view token, std::string_view authorization,
                           std::string_view query) {
  // RFC 6750: the scheme is case-insensitive, the credentials follow one or more blanks.
  constexpr std::string_view bearer = "Bearer ";
  if (starts_with_ci(authorization, bearer)) {
    auto given = authorization.substr(bearer.size());
    while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
    while (!given.empty() && (given.back() == ' ' || given.back() == '\t')) given.remove_suffix(1);
    if (same_secret(token, given)) return true;
  }
  bool found = false;
  for_each_parameter(query, [&](std::string_view pair) {
    if (pair.substr(0, token_key.size()) == token_key &&
        same_secret(token, url_decoded(pair.substr(token_key.size()))))
      found = true;
  });
  return found;
}

std::string query_without_token(std::string_view query) {
  std::string out;
  for_each_parameter(query, [&](std::string_view pair) {
    if (pair.substr(0, token_key.size()) == token_key || pair == "token") return;
    if (!out.empty()) out += '&';
    out += pair;
  });
  return out;
}

std::string url_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace actortx
