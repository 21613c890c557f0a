// Reading typed values from CAF's settings with errors that name the key (internal to the
// runtime_config*.cpp files).
#pragma once

#include <chrono>
#include <string>

#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <actortx/runtime_config.hpp>

namespace actortx::config_detail {

inline std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

inline std::chrono::milliseconds to_ms(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(x);
}

/// The value at `key` as T; nullopt when unset. A value of another type (possible when set
/// through cfg.set() or an undeclared key) is an error rather than silently ignored.
template <class T>
caf::optional<T> read(const caf::settings& content, const char* key, const char* expected) {
  auto raw = caf::get_if(&content, key);
  if (raw == nullptr) return caf::none;
  if (auto value = caf::get_if<T>(&content, key)) return value;
  throw config_error(key, caf::to_string(*raw), std::string{"expected "} + expected);
}

}  // namespace actortx::config_detail
