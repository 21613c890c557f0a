// Small text helpers shared by every room, so that each exists once and trims the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace actortx {

/// The first line of an error text (PostgreSQL's and libpq's messages go on with DETAIL, HINT
/// and CONTEXT lines), without trailing carriage returns and spaces. Null reads as "".
std::string first_line(std::string_view text);
inline std::string first_line(const char* text) {
  return first_line(std::string_view{text != nullptr ? text : ""});
}
inline std::string first_line(const std::string& text) {
  return first_line(std::string_view{text});
}

/// "a, b, c" for an error that lists what is known (procedures, saga types, steps), or `none`
/// when there is nothing.
std::string join_names(const std::vector<std::string>& names, std::string_view none = "none");

/// `text` between double quotes, as an error message shows a value it could not read. (Not
/// `quoted`: std::quoted would win that name for a std::string argument.)
std::string double_quoted(std::string_view text);

}  // namespace actortx
