#include "fault_kind.hpp"

#include <algorithm>

namespace stress {

const std::vector<fault_kind>& all_fault_kinds() {
  static const std::vector<fault_kind> kinds{
      fault_kind::terminate, fault_kind::cancel, fault_kind::lock,     fault_kind::restart,
      fault_kind::crash,     fault_kind::proxy,  fault_kind::kill_node};
  return kinds;
}

const char* to_string(fault_kind k) noexcept {
  switch (k) {
    case fault_kind::terminate:
      return "terminate";
    case fault_kind::cancel:
      return "cancel";
    case fault_kind::lock:
      return "lock";
    case fault_kind::restart:
      return "restart";
    case fault_kind::crash:
      return "crash";
    case fault_kind::proxy:
      return "proxy";
    case fault_kind::kill_node:
      return "kill-node";
  }
  return "?";
}

std::optional<fault_kind> parse_fault_kind(const std::string& name) {
  for (auto k : all_fault_kinds())
    if (name == to_string(k)) return k;
  return std::nullopt;
}

std::optional<fault_request> parse_fault_request(const std::string& text, std::string& bad) {
  fault_request out;
  if (text == "none") return out;
  if (text == "all") {
    out.all = true;
    return out;
  }
  size_t start = 0;
  for (;;) {
    auto end = text.find(',', start);
    auto name = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto k = parse_fault_kind(name);
    if (!k) {
      bad = name;
      return std::nullopt;
    }
    if (std::find(out.kinds.begin(), out.kinds.end(), *k) == out.kinds.end())
      out.kinds.push_back(*k);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // Canonical order: "cancel,terminate" and "terminate,cancel" give the same schedule.
  std::sort(out.kinds.begin(), out.kinds.end());
  return out;
}

}  // namespace stress
