// The one error enum of actortx, registered with CAF as the error category "actortx".
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace actortx {

/// Error codes. 0 is "no error" (CAF's convention too): the code of a COMMITTED outcome.
enum class errc : uint8_t {
  none = 0,             ///< no error: the transaction or saga committed
  sql_error = 1,        ///< the server rejected a statement (see the SQLSTATE)
  timeout,              ///< the transaction's deadline passed
  pool_exhausted,       ///< no connection could be leased before the acquire timeout
  commit_in_doubt,      ///< the connection was lost during COMMIT: outcome unknown
  connection_failed,    ///< could not connect to PostgreSQL
  connection_lost,      ///< the connection broke while the transaction ran
  body_failed,          ///< the local body threw a non-SQL exception
  attempt_crashed,      ///< an actor running the attempt died unexpectedly
  invalid_argument,     ///< a malformed request (bad script, bad option)
  rolled_back,          ///< the transaction rolled back without an error of its own
  shutting_down,        ///< the runtime is stopping
  fenced,               ///< a saga gave up on this step: its idempotency key is fenced
  not_owner,            ///< another node owns the saga now (its lease had expired)
  compensation_failed,  ///< a saga's compensation kept failing: an operator must look
  unknown_procedure,    ///< no procedure of that name is registered on the executing node
  node_unreachable,     ///< a remote node could not be reached (or went away mid-request)
  unexpected_message,   ///< a node received a message its interface does not have
  cancelled,            ///< the caller cancelled it (tx_ticket::cancel): rolled back
};

/// The CAF error category atom of actortx errors.
constexpr caf::atom_value errc_category = caf::atom("actortx");

/// Stable lower-case name, e.g. "pool_exhausted".
inline const char* to_string(errc x) noexcept {
  switch (x) {
    case errc::none:
      return "none";
    case errc::sql_error:
      return "sql_error";
    case errc::timeout:
      return "timeout";
    case errc::pool_exhausted:
      return "pool_exhausted";
    case errc::commit_in_doubt:
      return "commit_in_doubt";
    case errc::connection_failed:
      return "connection_failed";
    case errc::connection_lost:
      return "connection_lost";
    case errc::body_failed:
      return "body_failed";
    case errc::attempt_crashed:
      return "attempt_crashed";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::rolled_back:
      return "rolled_back";
    case errc::shutting_down:
      return "shutting_down";
    case errc::fenced:
      return "fenced";
    case errc::not_owner:
      return "not_owner";
    case errc::compensation_failed:
      return "compensation_failed";
    case errc::unknown_procedure:
      return "unknown_procedure";
    case errc::node_unreachable:
      return "node_unreachable";
    case errc::unexpected_message:
      return "unexpected_message";
    case errc::cancelled:
      return "cancelled";
  }
  return "unknown";
}

/// The std::error_category of actortx errors, named "actortx": message() is a sentence for
/// people ("the transaction's deadline passed"); errc::none is "no error". So an errc is a
/// std::error_code: `std::error_code ec = errc::timeout;`, `ec == errc::timeout`.
const std::error_category& error_category() noexcept;

/// Found by ADL: makes std::error_code ec = errc::... work.
inline std::error_code make_error_code(errc x) noexcept {
  return {static_cast<int>(x), error_category()};
}

/// Builds a caf::error of category "actortx"; found by ADL, so `caf::error e = errc::timeout;`
/// works.
template <class... Ts>
caf::error make_error(errc x, Ts&&... context) {
  return {static_cast<uint8_t>(x), errc_category, caf::make_message(std::forward<Ts>(context)...)};
}

}  // namespace actortx

namespace std {
template <>
struct is_error_code_enum<actortx::errc> : true_type {};
}  // namespace std
