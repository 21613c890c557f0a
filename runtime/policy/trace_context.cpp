// W3C traceparent ids: made from a per-thread random source, checked by the version 00 rules.
#include <array>
#include <random>

#include <actortx/trace_context.hpp>

namespace actortx {

namespace {

// "00-" + 32 hex + "-" + 16 hex + "-" + 2 hex
constexpr size_t trace_id_at = 3;
constexpr size_t trace_id_size = 32;
constexpr size_t parent_id_at = trace_id_at + trace_id_size + 1;
constexpr size_t parent_id_size = 16;
constexpr size_t flags_at = parent_id_at + parent_id_size + 1;
constexpr size_t traceparent_size = flags_at + 2;

constexpr std::array<char, 16> hex_digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                          '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

/// One generator per thread, each seeded on its own from random_device: no lock. Ids
/// need to be unique, not secret (they are in every log line and in pg_stat_activity).
std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  return gen;
}

/// `digits` (16 or 32) random lower-case hex digits, not all zero (the spec forbids all-zero
/// ids; a draw of zeros is drawn again).
void append_random_hex(std::string& out, size_t digits) {
  char buf[32];
  uint64_t any = 0;
  do {
    for (size_t done = 0; done < digits; done += 16) {
      uint64_t bits = rng()();
      any |= bits;
      for (size_t i = 0; i < 16; ++i, bits >>= 4) buf[done + i] = hex_digits[bits & 15];
    }
  } while (any == 0);
  out.append(buf, digits);
}

bool is_lower_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/// "" when text[at, at + size) is lower-case hex and, if `nonzero`, not all zeros.
const char* hex_problem(std::string_view text, size_t at, size_t size, bool nonzero) noexcept {
  bool all_zero = true;
  for (size_t i = at; i < at + size; ++i) {
    if (!is_lower_hex(text[i])) return "must be lower-case hex digits";
    all_zero = all_zero && text[i] == '0';
  }
  return nonzero && all_zero ? "must not be all zeros" : "";
}

}  // namespace

std::string new_traceparent() {
  std::string out;
  out.reserve(traceparent_size);
  out += "00-";
  append_random_hex(out, trace_id_size);
  out += '-';
  append_random_hex(out, parent_id_size);
  out += "-01";  // sampled: a caller's tracing keeps what the runtime started
  return out;
}

std::string traceparent_problem(std::string_view t) {
  if (t.size() != traceparent_size)
    return "must have " + std::to_string(traceparent_size) + " characters (version 00), has " +
           std::to_string(t.size());
  if (t[trace_id_at - 1] != '-' || t[parent_id_at - 1] != '-' || t[flags_at - 1] != '-')
    return "must be four fields separated by '-': version-traceid-parentid-flags";
  if (*hex_problem(t, 0, 2, false) != '\0') return "its version must be 2 lower-case hex digits";
  if (t.substr(0, 2) == "ff") return "version ff is invalid";
  if (t.substr(0, 2) != "00") return "only version 00 is supported";
  if (auto why = hex_problem(t, trace_id_at, trace_id_size, true); *why != '\0')
    return std::string{"its trace id "} + why;
  if (auto why = hex_problem(t, parent_id_at, parent_id_size, true); *why != '\0')
    return std::string{"its parent id "} + why;
  if (*hex_problem(t, flags_at, 2, false) != '\0')
    return "its flags must be 2 lower-case hex digits";
  return {};
}

bool valid_traceparent(std::string_view t) noexcept {
  if (t.size() != traceparent_size || t[0] != '0' || t[1] != '0') return false;
  if (t[trace_id_at - 1] != '-' || t[parent_id_at - 1] != '-' || t[flags_at - 1] != '-')
    return false;
  return *hex_problem(t, trace_id_at, trace_id_size, true) == '\0' &&
         *hex_problem(t, parent_id_at, parent_id_size, true) == '\0' &&
         *hex_problem(t, flags_at, 2, false) == '\0';
}

std::string trace_id_of(std::string_view traceparent) {
  if (!valid_traceparent(traceparent)) return {};
  return std::string{traceparent.substr(trace_id_at, trace_id_size)};
}

std::string child_traceparent(std::string_view parent) {
  if (!valid_traceparent(parent)) return new_traceparent();
  std::string out{parent.substr(0, parent_id_at)};
  append_random_hex(out, parent_id_size);
  out += parent.substr(flags_at - 1);
  return out;
}

std::string traceparent_of_trace(std::string_view trace_id) {
  std::string out = "00-";
  out += trace_id;
  out += '-';
  append_random_hex(out, parent_id_size);
  out += "-01";
  return valid_traceparent(out) ? out : new_traceparent();
}

}  // namespace actortx
