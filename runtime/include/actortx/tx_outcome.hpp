// What the runtime answers about a transaction: final state, attempts, rows, error.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/errc.hpp>
#include <actortx/statement.hpp>

namespace actortx {

/// Final (and, while running, current) state of a transaction.
enum class tx_state : uint8_t { running, committed, rolled_back, timeout, failed, in_doubt };

/// How an error is treated; computed from the SQLSTATE by runtime/error_classifier.
enum class error_class : uint8_t {
  none,       ///< no error
  retry,      ///< safe to run again (40001, 40P01, 53xxx)
  reconnect,  ///< connection gone: replace it, then retry (class 08, 57P01..03)
  timeout,    ///< the deadline (ours or the server's) ended it
  fail_fast,  ///< running again cannot help (22, 23, 28, 42, body errors)
  in_doubt,   ///< COMMIT sent, answer lost: never blindly retried
};

/// One attempt of a transaction.
struct attempt_record {
  uint32_t number = 0;  ///< 1-based
  error_class cls = error_class::none;
  std::string sqlstate;  ///< empty when the error did not come from the server
  std::string message;   ///< error text, empty on success
  std::chrono::microseconds duration{0};
  int32_t backend_pid = 0;  ///< 0 when no connection was leased
  /// How the attempt ended: errc::none when it committed, errc::rolled_back when the body
  /// rolled back on purpose (not a failure); failure_cause() names the rest.
  errc code = errc::none;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, attempt_record& x) {
    return f(caf::meta::type_name("actortx::attempt_record"), x.number, x.cls, x.sqlstate,
             x.message, x.duration, x.backend_pid, x.code);
  }
};

/// The reply to run_transaction: always sent, also when the transaction failed.
struct tx_outcome {
  uint64_t id = 0;
  std::string label;
  tx_state state = tx_state::running;
  uint32_t attempts = 0;
  std::vector<result_set> results;  ///< one per script statement (scripts only)
  errc code = errc::none;           ///< errc::none exactly when state == committed
  std::string sqlstate;             ///< SQLSTATE of the final error, if any
  std::string message;              ///< human-readable final error, if any
  std::vector<attempt_record> attempt_log;
  std::chrono::microseconds duration{0};  ///< request received -> outcome sent
  /// COMMITTED because its idempotency key had committed earlier (maybe by an attempt whose
  /// COMMIT reply was lost): the body did not run again, and results are empty.
  bool deduplicated = false;

  bool committed() const noexcept { return state == tx_state::committed; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_outcome& x) {
    return f(caf::meta::type_name("actortx::tx_outcome"), x.id, x.label, x.state, x.attempts,
             x.results, x.code, x.sqlstate, x.message, x.attempt_log, x.duration, x.deduplicated);
  }
};

inline const char* to_string(tx_state x) noexcept {
  switch (x) {
    case tx_state::running:
      return "RUNNING";
    case tx_state::committed:
      return "COMMITTED";
    case tx_state::rolled_back:
      return "ROLLED_BACK";
    case tx_state::timeout:
      return "TIMEOUT";
    case tx_state::failed:
      return "FAILED";
    case tx_state::in_doubt:
      return "IN_DOUBT";
  }
  return "UNKNOWN";
}

inline const char* to_string(error_class x) noexcept {
  switch (x) {
    case error_class::none:
      return "none";
    case error_class::retry:
      return "retry";
    case error_class::reconnect:
      return "reconnect";
    case error_class::timeout:
      return "timeout";
    case error_class::fail_fast:
      return "fail_fast";
    case error_class::in_doubt:
      return "in_doubt";
  }
  return "unknown";
}

}  // namespace actortx
