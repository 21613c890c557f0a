#include <cstdio>

#include <actortx/outcome_text.hpp>

namespace actortx {

namespace {

std::string millis(std::chrono::microseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

std::string describe(const tx_outcome& out) {
  std::string s = "tx " + std::to_string(out.id);
  if (!out.label.empty()) s += " [" + out.label + "]";
  s += ' ';
  s += to_string(out.state);
  s += " after " + std::to_string(out.attempts) + (out.attempts == 1 ? " attempt" : " attempts");
  s += " in " + millis(out.duration);
  if (!out.committed()) {
    s += ": ";
    s += to_string(out.code);
    if (!out.sqlstate.empty()) s += " (SQLSTATE " + out.sqlstate + ")";
    if (!out.message.empty()) s += " \"" + out.message + '"';
  }
  for (const auto& a : out.attempt_log) {
    if (a.cls == error_class::none) continue;
    s += "; attempt " + std::to_string(a.number) + ": " + to_string(a.cls);
    if (!a.sqlstate.empty()) s += ' ' + a.sqlstate;
    if (!a.message.empty()) s += " \"" + a.message + '"';
    s += " (" + millis(a.duration) + ", pid " + std::to_string(a.backend_pid) + ')';
  }
  return s;
}

}  // namespace actortx
