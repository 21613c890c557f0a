// What the runtime answers about a transaction: final state, attempts, rows, error.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
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
  /// Ran inside the transaction of the body that called runtime::transact (propagation::join):
  /// as a savepoint, not a transaction of its own. Its state is RUNNING (the outer transaction
  /// decides what commits); code is errc::none when the savepoint was released, otherwise why
  /// it was rolled back to.
  bool joined = false;

  bool committed() const noexcept { return state == tx_state::committed; }
  /// Committed, or joined an outer transaction and released its savepoint.
  bool ok() const noexcept { return committed() || (joined && code == errc::none); }
  /// The outcome's code as a std::error_code (category "actortx"); false when it committed.
  std::error_code error() const noexcept { return make_error_code(code); }
  /// Throws tx_error carrying this outcome unless ok(): for code that prefers exceptions.
  /// ROLLED_BACK throws too (nothing committed), with errc::rolled_back or errc::cancelled.
  void throw_if_failed() const;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_outcome& x) {
    return f(caf::meta::type_name("actortx::tx_outcome"), x.id, x.label, x.state, x.attempts,
             x.results, x.code, x.sqlstate, x.message, x.attempt_log, x.duration, x.deduplicated,
             x.joined);
  }
};

/// What tx_outcome::throw_if_failed() and tx_result::value() throw: a std::system_error whose
/// code() is the outcome's errc and whose what() is "<label>: <STATE> (<code>): <message>"
/// (never a password), with the whole outcome at hand.
class tx_error : public std::system_error {
 public:
  explicit tx_error(tx_outcome outcome);
  const tx_outcome& outcome() const noexcept { return outcome_; }
  tx_state state() const noexcept { return outcome_.state; }

 private:
  tx_outcome outcome_;
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
