#include "option_ranges.hpp"

#include <cmath>
#include <sstream>

namespace stress {

std::string text_of(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

std::string text_of(int64_t value) {
  return std::to_string(value);
}

void require_range(const char* option, int64_t value, int64_t min, int64_t max, const char* unit) {
  if (value >= min && value <= max) return;
  throw usage_error{std::string{option} + ": " + text_of(value) + " is invalid: must be from " +
                    text_of(min) + " to " + text_of(max) + (*unit ? " " : "") + unit};
}

void require_real_range(const char* option, double value, double min, double max, const char* unit,
                        bool min_exclusive) {
  const bool low_ok = min_exclusive ? value > min : value >= min;
  if (std::isfinite(value) && low_ok && value <= max) return;  // NaN fails every comparison
  const std::string suffix = *unit ? std::string{" "} + unit : std::string{};
  throw usage_error{std::string{option} + ": " + text_of(value) + " is invalid: must be " +
                    (min_exclusive ? "above " + text_of(min) + " and at most "
                                   : "from " + text_of(min) + " to ") +
                    text_of(max) + suffix};
}

}  // namespace stress
