#include "runtime/policy/error_classifier.hpp"

#include <algorithm>
#include <cctype>

namespace actortx {

namespace {

struct row {
  const char* code;  ///< 5-char SQLSTATE or 2-char class
  error_class cls;
};

/// First match wins, so exact 5-char codes come before the 2-char classes that contain them
/// (08007 before 08, 57014 before any class-57 rule).
constexpr row table[] = {
    {"40001", error_class::retry},      // serialization_failure
    {"40P01", error_class::retry},      // deadlock_detected
    {"55P03", error_class::timeout},    // lock_not_available (lock_timeout)
    {"57014", error_class::timeout},    // query_canceled (statement_timeout, our cancel)
    {"40003", error_class::in_doubt},   // statement_completion_unknown
    {"08007", error_class::in_doubt},   // transaction_resolution_unknown
    {"57P01", error_class::reconnect},  // admin_shutdown
    {"57P02", error_class::reconnect},  // crash_shutdown
    {"57P03", error_class::reconnect},  // cannot_connect_now
    {"53", error_class::retry},         // insufficient resources: transient
    {"08", error_class::reconnect},     // connection exception
    {"22", error_class::fail_fast},     // data exception
    {"23", error_class::fail_fast},     // integrity constraint violation
    {"25", error_class::fail_fast},     // invalid transaction state (e.g. 25006 read-only)
    {"28", error_class::fail_fast},     // invalid authorization specification
    {"42", error_class::fail_fast},     // syntax error or access rule violation
};

std::string upper(const std::string& s) {
  std::string out = s;
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// An entry matches as an exact code (5 chars) or as the code's class (2 chars).
bool matches(const std::string& entry, const std::string& code) {
  if (entry.size() == 5) return entry == code;
  if (entry.size() == 2) return code.size() >= 2 && code.compare(0, 2, entry) == 0;
  return false;
}

bool listed(const std::vector<std::string>& entries, const std::string& code) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const std::string& e) { return matches(upper(e), code); });
}

}  // namespace

error_class classify_sqlstate(const std::string& sqlstate, tx_phase phase,
                              const classification_overrides& overrides) {
  auto code = upper(sqlstate);
  auto cls = error_class::fail_fast;
  for (const auto& r : table) {
    if (matches(r.code, code)) {
      cls = r.cls;
      break;
    }
  }
  // The server dropped us while COMMIT was in flight: it may or may not have committed.
  if (phase == tx_phase::commit && cls == error_class::reconnect) cls = error_class::in_doubt;
  // An in-doubt commit must never be run again blindly, whatever the caller says.
  if (cls == error_class::in_doubt) return cls;
  if (listed(overrides.not_retryable, code)) return error_class::fail_fast;
  // reconnect is already retryable and also replaces the broken connection: keep it.
  if (listed(overrides.retryable, code) && !is_retryable(cls)) return error_class::retry;
  return cls;
}

std::string validate(const classification_overrides& o) {
  auto check = [](const std::vector<std::string>& entries, const char* field) -> std::string {
    for (const auto& e : entries) {
      bool ok = (e.size() == 2 || e.size() == 5) && std::all_of(e.begin(), e.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) != 0;
                });
      if (!ok)
        return std::string{"tx_options.classification."} + field + ": \"" + e +
               "\" is not a SQLSTATE (5 characters) or class (2 characters)";
    }
    return {};
  };
  auto err = check(o.retryable, "retryable");
  return err.empty() ? check(o.not_retryable, "not_retryable") : err;
}

error_class classify_connection_loss(tx_phase phase) noexcept {
  return phase == tx_phase::commit ? error_class::in_doubt : error_class::reconnect;
}

bool is_retryable(error_class c) noexcept {
  return c == error_class::retry || c == error_class::reconnect;
}

}  // namespace actortx
