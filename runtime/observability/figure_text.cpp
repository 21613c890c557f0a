#include "runtime/observability/figure_text.hpp"

#include <cmath>
#include <cstdio>

namespace actortx {

std::string fixed_text(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string trimmed_text(double v) {
  auto s = fixed_text(v, 2);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string duration_text(double seconds) {
  if (seconds < 1.0) return trimmed_text(seconds * 1000.0) + " ms";
  return trimmed_text(seconds) + " s";
}

std::string latency_text(double seconds) {
  if (seconds >= 1) return fixed_text(seconds, 2) + " s";
  const double ms = seconds * 1000;
  return fixed_text(ms, ms >= 10 ? 0 : 2) + " ms";
}

std::string percent_text(double ratio) {
  return fixed_text(ratio * 100, 1) + " %";
}

std::string whole_percent_text(double ratio) {
  return std::to_string(std::lround(ratio * 100.0)) + " %";
}

std::string ms_text(double seconds) {
  return fixed_text(seconds * 1000, 1) + " ms";
}

}  // namespace actortx
