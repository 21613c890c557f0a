// Why an attempt failed, as one word: the "cause" of records, reports and the error_type
// label of exported metrics. Never empty for a failed attempt.
#pragma once

#include <string>
#include <string_view>

#include <actortx/tx_outcome.hpp>

namespace actortx {

/// The cause names besides SQLSTATEs, in the order reports list them.
inline constexpr const char* failure_cause_names[] = {
    "connection_lost",    // the connection broke while the attempt ran
    "connection_failed",  // no connection could be made
    "pool_exhausted",     // no connection could be leased in time
    "deadline",           // the transaction's deadline ended the attempt
    "body_exception",     // the body threw something that is not a SQL error
    "commit_in_doubt",    // COMMIT was sent and its answer lost
    "attempt_crashed",    // an actor running the attempt died
    "shutting_down",      // the runtime was stopping
    "invalid_argument",   // the request was malformed
    "other",              // any other client-side error
};

/// True when the attempt counts as failed: it neither committed nor was rolled back on purpose,
/// by its body (errc::rolled_back) or its caller's cancel (errc::cancelled).
bool attempt_failed(const attempt_record& a) noexcept;

/// The attempt's SQLSTATE when the server gave one, otherwise its cause name from `code`
/// (and `cls` for a deadline); "" when the attempt did not fail.
std::string failure_cause(const attempt_record& a);

/// The cause of a final outcome (the OpenTelemetry error.type): "" for COMMITTED and
/// ROLLED_BACK; "deadline" for TIMEOUT (whatever the last attempt's error), "commit_in_doubt"
/// for IN_DOUBT; for FAILED the SQLSTATE or the cause name of `code`.
std::string outcome_error_type(tx_state state, errc code, std::string_view sqlstate);

/// True for a five-character SQLSTATE (digits and upper-case letters; "other" is not one).
bool is_sqlstate(std::string_view cause) noexcept;

/// True for a five-character SQLSTATE or one of failure_cause_names.
bool is_failure_cause(std::string_view cause) noexcept;

}  // namespace actortx
