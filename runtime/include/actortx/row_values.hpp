// One SQL value in text form (a script's sql_value, a libpqxx field) read as a C++ type, exactly:
// "300" is not an int8_t and "12.5" is not an int, and every error names the column, the row,
// the type and the value. Rows, tuples and structs are built on this in <actortx/rows.hpp>.
#pragma once

#include <charconv>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <pqxx/strconv>

#include <actortx/statement.hpp>

namespace actortx {

/// Anything that goes wrong reading rows; catch this one to handle them all. Thrown itself for
/// a result of the wrong shape: single() on a result that is not one row with one column,
/// to_tuple() or a positional struct with a number of types that is not the row's columns.
class row_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A column name the row does not have, or an index past its last column. The message lists
/// the columns there are.
class column_error : public row_error {
 public:
  using row_error::row_error;
};

/// A value that does not convert to the type asked for (NULL into a type without NULL too):
/// `row 3, column 2 "age": cannot read "300" as int8_t: out of range -128..127`.
class conversion_error : public row_error {
 public:
  conversion_error(const std::string& message, std::string column, size_t column_index, size_t row,
                   std::string type, std::optional<std::string> value);

  /// The column's name ("" when unknown).
  const std::string& column() const noexcept { return column_; }
  /// Zero-based; npos when unknown (a lone value).
  size_t column_index() const noexcept { return column_index_; }
  /// Zero-based; npos when unknown.
  size_t row() const noexcept { return row_; }
  /// The type as the message names it: "int8_t", "double", "std::string", ...
  const std::string& type() const noexcept { return type_; }
  /// The value's first 64 bytes (empty: it was NULL).
  const std::optional<std::string>& value() const noexcept { return value_; }

  static constexpr size_t npos = static_cast<size_t>(-1);

 private:
  std::string column_;
  size_t column_index_;
  size_t row_;
  std::string type_;
  std::optional<std::string> value_;
};

namespace detail {

/// One value and where it sits, for the error messages. `text` is NUL-terminated storage of
/// the value (a std::string or a libpqxx field), meaningful when !is_null.
struct cell {
  std::string_view text;
  bool is_null = true;
  std::string_view column;
  size_t column_index = conversion_error::npos;
  size_t row = conversion_error::npos;
};

[[noreturn]] void throw_unreadable(const cell& c, const std::string& type, std::string_view why);
[[noreturn]] void throw_null(const cell& c, const std::string& type);
/// PostgreSQL's boolean output: "t" / "f" (and "true" / "false", any case).
std::optional<bool> parse_pg_bool(std::string_view text);
/// "int8_t" ... "uint64_t".
std::string integer_type_name(bool is_signed, size_t bytes);

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
constexpr bool is_character_v = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;
template <class T>
constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

/// A type libpqxx knows how to read (its own, or one a program taught it by specialising
/// pqxx::string_traits): the way to read types actortx has no rule for.
template <class T, class = void>
struct has_pqxx_traits : std::false_type {};
template <class T>
struct has_pqxx_traits<T, std::void_t<decltype(pqxx::string_traits<T>::from_string(
                              std::declval<const char*>(), std::declval<T&>()))>> : std::true_type {
};

template <class T>
constexpr bool dependent_false_v = false;

/// True for types that point into the result they were read from (std::string_view).
template <class T>
struct is_view : std::is_same<T, std::string_view> {};
template <class T>
struct is_view<std::optional<T>> : is_view<T> {};
template <class... Ts>
constexpr bool any_view_v = (is_view<Ts>::value || ...);

/// How the error messages name T.
template <class T>
std::string type_name() {
  if constexpr (is_optional<T>::value) {
    return "std::optional<" + type_name<typename T::value_type>() + ">";
  } else if constexpr (std::is_same_v<T, bool>) {
    return "bool";
  } else if constexpr (is_integer_v<T>) {
    return integer_type_name(std::is_signed_v<T>, sizeof(T));
  } else if constexpr (std::is_same_v<T, float>) {
    return "float";
  } else if constexpr (std::is_same_v<T, double>) {
    return "double";
  } else if constexpr (std::is_same_v<T, long double>) {
    return "long double";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "std::string";
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return "std::string_view";
  } else if constexpr (has_pqxx_traits<T>::value) {
    return pqxx::string_traits<T>::name();
  } else {
    return "?";  // parse_text's static_assert says what is wrong
  }
}

template <class T>
T parse_integer(const cell& c) {
  const char* end = c.text.data() + c.text.size();
  T out{};
  const auto r = std::from_chars(c.text.data(), end, out);
  if (r.ptr == end && r.ec == std::errc{}) return out;
  const bool digits = r.ptr == end && !c.text.empty();
  const bool negative = std::is_unsigned_v<T> && c.text.size() > 1 && c.text[0] == '-' &&
                        c.text.find_first_not_of("0123456789", 1) == std::string_view::npos;
  if ((digits && r.ec == std::errc::result_out_of_range) || negative) {
    // The unary + shows int8_t and uint8_t as numbers, not characters.
    throw_unreadable(c, type_name<T>(),
                     "out of range " + std::to_string(+std::numeric_limits<T>::min()) + ".." +
                         std::to_string(+std::numeric_limits<T>::max()));
  }
  throw_unreadable(c, type_name<T>(), "not an integer");
}

/// from_chars takes PostgreSQL's "NaN", "Infinity" and "-Infinity" (it ignores case), and
/// refuses what the type cannot hold: a float8 of 1e300 is not a float.
template <class T>
T parse_real(const cell& c) {
  const char* end = c.text.data() + c.text.size();
  T out{};
  const auto r = std::from_chars(c.text.data(), end, out);
  if (r.ptr == end && r.ec == std::errc{}) return out;
  if (r.ptr == end && r.ec == std::errc::result_out_of_range)
    throw_unreadable(c, type_name<T>(), "out of range");
  throw_unreadable(c, type_name<T>(), "not a number");
}

template <class T>
T parse_with_pqxx(const cell& c) {
  T out{};
  try {
    pqxx::string_traits<T>::from_string(std::string{c.text}.c_str(), out);
  } catch (const std::exception& e) {
    throw_unreadable(c, type_name<T>(), e.what());
  }
  return out;
}

/// A value that is not NULL, as T.
template <class T>
T parse_text(const cell& c) {
  static_assert(!is_character_v<T>, "read a char(1) column as std::string");
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string{c.text};
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return c.text;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto b = parse_pg_bool(c.text)) return *b;
    throw_unreadable(c, "bool", "not t, f, true or false");
  } else if constexpr (is_integer_v<T>) {
    return parse_integer<T>(c);
  } else if constexpr (std::is_floating_point_v<T>) {
    return parse_real<T>(c);
  } else if constexpr (has_pqxx_traits<T>::value) {
    return parse_with_pqxx<T>(c);
  } else {
    static_assert(dependent_false_v<T>,
                  "no rule to read this type: specialise pqxx::string_traits<T> for it");
  }
}

/// The value as T; std::optional<T> reads NULL as nullopt, any other T throws on NULL.
template <class T>
T read_cell(const cell& c) {
  if constexpr (is_optional<T>::value) {
    if (c.is_null) return T{};
    return T{read_cell<typename T::value_type>(c)};
  } else {
    if (c.is_null) throw_null(c, type_name<T>());
    return parse_text<T>(c);
  }
}

}  // namespace detail

/// One value outside any row (a saga's or a procedure's, a COPY row's) as T, with the same
/// rules and errors (without a column or row to name). A std::string_view points into `v`.
template <class T>
T value_as(const sql_value& v) {
  return detail::read_cell<T>(detail::cell{v.text, v.is_null, {}});
}

}  // namespace actortx
