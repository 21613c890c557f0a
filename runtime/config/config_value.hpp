// Reading typed values from CAF's settings with errors that name the key, and the texts of
// values in messages (internal to runtime/config).
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <actortx/config_error.hpp>

namespace actortx::config_detail {

/// Keys whose values are secrets (actortx.dashboard-token, and any key naming a token or a
/// password, also a misspelt one): messages never show their values.
inline bool is_secret_key(std::string_view key) {
  std::string lower{key};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("token") != std::string::npos || lower.find("password") != std::string::npos;
}

inline std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

inline std::string seconds_text(std::chrono::seconds d) {
  return std::to_string(d.count()) + "s";
}

inline std::chrono::milliseconds to_ms(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(x);
}

/// Throws config_error unless lo <= v <= hi.
void check_range(const char* key, std::chrono::milliseconds v, std::chrono::milliseconds lo,
                 std::chrono::milliseconds hi);

/// The value at `key` as T; nullopt when unset. A value of another type (possible in settings
/// no caf_config parsed, or put there by code) is an error rather than silently ignored.
template <class T>
caf::optional<T> read(const caf::settings& content, const char* key, const char* expected) {
  // (caf::string_view takes a bare const char* only when compiled by g++: give the length.)
  const caf::string_view name{key, std::strlen(key)};
  auto raw = caf::get_if(&content, name);
  if (raw == nullptr) return caf::none;
  if (auto value = caf::get_if<T>(&content, name)) return value;
  throw config_error(key, caf::to_string(*raw), std::string{"expected "} + expected);
}

}  // namespace actortx::config_detail
