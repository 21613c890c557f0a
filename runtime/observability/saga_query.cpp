#include "runtime/observability/saga_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace actortx {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Quoted for an error message, cut short: the value may be anything a client sent.
std::string shown_value(std::string_view value) {
  constexpr size_t shown = 40;
  std::string out{value.substr(0, shown)};
  for (auto& c : out)
    if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
  return "\"" + out + (value.size() > shown ? "...\"" : "\"");
}

void no_control_characters(std::string_view value, const std::string& parameter) {
  bool bad = std::any_of(value.begin(), value.end(),
                         [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
  if (bad) throw bad_parameter(parameter, "control characters are not allowed");
}

template <class Int>
Int whole_number(const std::string& value, const std::string& parameter) {
  Int n{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size())
    throw bad_parameter(parameter, "not a whole number: " + shown_value(value));
  return n;
}

/// Adds the states named in `value` ("FAILED" or "FAILED,EXECUTING", any case).
void add_states(const std::string& value, saga_filter& f) {
  size_t from = 0;
  while (from <= value.size()) {
    auto comma = std::min(value.find(',', from), value.size());
    std::string name = value.substr(from, comma - from);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    saga_state st{};
    if (!name.empty() && !parse_saga_state(name, st))
      throw bad_parameter("state", "unknown saga state " + shown_value(name) +
                                       " (STARTED, EXECUTING, COMPENSATING, COMMITTED, "
                                       "COMPENSATED or FAILED)");
    if (!name.empty() && std::find(f.states.begin(), f.states.end(), st) == f.states.end())
      f.states.push_back(st);
    from = comma + 1;
  }
}

void set_limit(const std::string& value, saga_filter& f) {
  auto n = whole_number<int64_t>(value, "limit");
  if (n < 1 || n > dashboard_saga_list_max)
    throw bad_parameter("limit", "must be 1.." + std::to_string(dashboard_saga_list_max) +
                                     ", not " + shown_value(value));
  f.limit = static_cast<uint32_t>(n);
}

void apply(const std::string& name, const std::string& value, saga_filter& f) {
  if (name == "state") {
    add_states(value, f);
  } else if (name == "type") {
    no_control_characters(value, "type");
    if (value.size() > max_saga_id_length)
      throw bad_parameter("type", "longer than " + std::to_string(max_saga_id_length) + " bytes");
    f.type = value;
  } else if (name == "since") {
    f.since_unix_ms = whole_number<int64_t>(value, "since");
    if (f.since_unix_ms < 0) throw bad_parameter("since", "must not be negative");
  } else if (name == "limit") {
    set_limit(value, f);
  } else {
    throw bad_parameter(name.empty() ? "(empty name)" : name,
                        "unknown parameter (state, type, since, limit)");
  }
}

}  // namespace

std::string url_decoded(std::string_view text, const std::string& parameter) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      int lo = hi >= 0 ? hex_digit(text[i + 2]) : -1;
      if (lo < 0) throw bad_parameter(parameter, "malformed %-escape in " + shown_value(text));
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

saga_filter saga_filter_from_query(std::string_view query) {
  saga_filter f;
  f.limit = default_saga_list_limit;
  size_t from = 0;
  while (from < query.size()) {
    auto amp = std::min(query.find('&', from), query.size());
    auto pair = query.substr(from, amp - from);
    from = amp + 1;
    if (pair.empty()) continue;  // "a=1&&b=2", a trailing '&'
    auto eq = pair.find('=');
    auto name = url_decoded(pair.substr(0, eq), "(parameter name)");
    auto value =
        eq == std::string_view::npos ? std::string{} : url_decoded(pair.substr(eq + 1), name);
    apply(name, value, f);
  }
  return f;
}

std::string checked_saga_id(std::string_view id) {
  if (id.empty()) throw bad_parameter("id", "empty");
  if (id.size() > max_saga_id_length)
    throw bad_parameter("id", "longer than " + std::to_string(max_saga_id_length) + " bytes");
  no_control_characters(id, "id");
  return std::string{id};
}

}  // namespace actortx
