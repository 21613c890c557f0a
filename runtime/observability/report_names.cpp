#include "runtime/observability/report_names.hpp"

#include <initializer_list>

namespace actortx {

namespace {

constexpr std::initializer_list<isolation> all_isolations{
    isolation::read_uncommitted, isolation::read_committed, isolation::repeatable_read,
    isolation::serializable};
constexpr std::initializer_list<tx_state> all_tx_states{tx_state::running,     tx_state::committed,
                                                        tx_state::rolled_back, tx_state::timeout,
                                                        tx_state::failed,      tx_state::in_doubt};
constexpr std::initializer_list<alert_level> all_alert_levels{
    alert_level::info, alert_level::warning, alert_level::error, alert_level::critical};

/// Inverse of `name` over `all`.
template <class Enum, class Name>
bool parse_enum(std::string_view text, std::initializer_list<Enum> all, Name name, Enum& out) {
  for (auto x : all) {
    if (text == name(x)) {
      out = x;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* isolation_name(isolation x) noexcept {
  switch (x) {
    case isolation::read_uncommitted:
      return "read_uncommitted";
    case isolation::read_committed:
      return "read_committed";
    case isolation::repeatable_read:
      return "repeatable_read";
    case isolation::serializable:
      return "serializable";
  }
  return "read_committed";
}

bool parse_isolation(std::string_view text, isolation& out) noexcept {
  return parse_enum(text, all_isolations, isolation_name, out);
}

bool parse_tx_state(std::string_view text, tx_state& out) noexcept {
  return parse_enum(
      text, all_tx_states, [](tx_state x) { return to_string(x); }, out);
}

bool parse_alert_level(std::string_view text, alert_level& out) noexcept {
  return parse_enum(
      text, all_alert_levels, [](alert_level x) { return to_string(x); }, out);
}

}  // namespace actortx
