#include "runtime/policy/saga_id.hpp"

#include <cctype>
#include <cstdio>

namespace actortx {

std::string make_saga_id(std::mt19937_64& rng) {
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string check_saga_id(const std::string& id) {
  if (id.empty() || id.size() > 128)
    return "saga id must have 1 to 128 characters, got " + std::to_string(id.size());
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '.' && c != '_' && c != ':' && c != '-')
      return "saga id \"" + id + "\" may only contain letters, digits and . _ : -";
  }
  return {};
}

}  // namespace actortx
