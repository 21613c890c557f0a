// The error every configuration check throws: it names the config key and the bad value.
#pragma once

#include <stdexcept>
#include <string>

namespace actortx {

/// An invalid configuration value. what() is "<key>: <value> is invalid: <why>", e.g.
/// "actortx.pool-max: 0 is invalid: the pool needs at least one connection".
class config_error : public std::invalid_argument {
 public:
  config_error(std::string field, std::string value, const std::string& why);
  /// The config key, e.g. "actortx.pool-max" (for a line of an INI file that has no key: the
  /// file and line).
  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }

 private:
  std::string field_;
  std::string value_;
};

}  // namespace actortx
