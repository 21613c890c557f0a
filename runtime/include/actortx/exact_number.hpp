// Numbers as text that reads back as the very same number, in any locale: the form in which
// numbers cross nodes, bind to SQL parameters and sit in a saga's context. (std::to_string
// writes "%f": 1e-9 became "0.000000" and pi "3.141593"; it also follows the C locale's
// decimal point.)
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace actortx {

/// The shortest text that reads back as exactly `x` (std::to_chars): "0.1", "1e-09", "-0",
/// "5e-324", "1.7976931348623157e+308", "-9223372036854775808".
///
/// Not-a-number and the infinities are exact too, in PostgreSQL's spelling, which float8 and
/// numeric accept: "NaN" (for every NaN: PostgreSQL has one, without sign or payload),
/// "Infinity", "-Infinity". A float is written as the double it widens to (0.1f is
/// "0.10000000149011612"), its exact value; a long double in its own shortest form (PostgreSQL
/// rounds it to a float8).
template <class T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
std::string exact_text(T x) {
  char buf[64];
  std::to_chars_result r{};
  if constexpr (std::is_floating_point_v<T>) {
    using wide = std::conditional_t<std::is_same_v<T, float>, double, T>;
    const wide w = x;
    if (std::isnan(w)) return "NaN";
    if (std::isinf(w)) return w > 0 ? "Infinity" : "-Infinity";
    r = std::to_chars(buf, buf + sizeof buf, w);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, x);
  }
  return std::string(buf, r.ptr);
}

namespace detail {

/// from_chars does not take the '+' that strtod (and people) write; one is skipped.
inline std::string_view without_plus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-') s.remove_prefix(1);
  return s;
}

}  // namespace detail

/// `text` as a double, exactly (std::from_chars: correctly rounded, locale-independent):
/// decimal or scientific notation with an optional sign, or "NaN" / "Infinity" / "inf" in any
/// case. Nothing when the text is not one whole number (surrounding spaces included) or lies
/// outside double's range (1e400, 1e-400).
inline std::optional<double> parse_exact_real(std::string_view text) {
  text = detail::without_plus(text);
  double out = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

/// `text` as an int64: decimal digits with an optional sign, nothing else; nothing when it does
/// not fit.
inline std::optional<int64_t> parse_exact_int(std::string_view text) {
  text = detail::without_plus(text);
  int64_t out = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

}  // namespace actortx
