// Failure causes of attempts and outcomes (failure_cause.hpp): one word per cause, for records,
// reports and the error_type label of exported metrics.
#include <algorithm>
#include <iterator>

#include <actortx/failure_cause.hpp>

namespace actortx {

namespace {

const char* cause_of_code(errc code, error_class cls) noexcept {
  switch (code) {
    case errc::connection_lost:
      return "connection_lost";
    case errc::connection_failed:
      return "connection_failed";
    case errc::pool_exhausted:
      return "pool_exhausted";
    case errc::timeout:
      return "deadline";
    case errc::body_failed:
      return "body_exception";
    case errc::commit_in_doubt:
      return "commit_in_doubt";
    case errc::attempt_crashed:
      return "attempt_crashed";
    case errc::shutting_down:
      return "shutting_down";
    case errc::invalid_argument:
      return "invalid_argument";
    default:
      break;
  }
  // Reports written before attempts carried their code: the class still tells these apart.
  switch (cls) {
    case error_class::timeout:
      return "deadline";
    case error_class::reconnect:
      return "connection_lost";
    case error_class::in_doubt:
      return "commit_in_doubt";
    default:
      return "other";
  }
}

}  // namespace

bool attempt_failed(const attempt_record& a) noexcept {
  // Rolled back on purpose: by its body, or stopped because its caller cancelled it.
  if (a.code == errc::rolled_back || a.code == errc::cancelled) return false;
  return a.cls != error_class::none || a.code != errc::none;
}

std::string failure_cause(const attempt_record& a) {
  if (!attempt_failed(a)) return {};
  if (!a.sqlstate.empty()) return a.sqlstate;
  return cause_of_code(a.code, a.cls);
}

std::string outcome_error_type(tx_state state, errc code, std::string_view sqlstate) {
  switch (state) {
    case tx_state::committed:
    case tx_state::rolled_back:
    case tx_state::running:
      return {};
    case tx_state::timeout:
      return "deadline";
    case tx_state::in_doubt:
      return "commit_in_doubt";
    case tx_state::failed:
      break;
  }
  if (!sqlstate.empty()) return std::string{sqlstate};
  return cause_of_code(code, error_class::fail_fast);
}

bool is_sqlstate(std::string_view cause) noexcept {
  // "other" has five letters too: a SQLSTATE is digits and upper-case letters only.
  return cause.size() == 5 && std::all_of(cause.begin(), cause.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

bool is_failure_cause(std::string_view cause) noexcept {
  if (is_sqlstate(cause)) return true;
  return std::any_of(std::begin(failure_cause_names), std::end(failure_cause_names),
                     [&](const char* n) { return cause == n; });
}

}  // namespace actortx
