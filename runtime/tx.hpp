// The handle a local transaction body gets. It runs on the connection actor's own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "messages/attempt.hpp"

namespace actortx {

/// One attempt of a transaction, seen from its body. BEGIN has been sent with the requested
/// isolation and access mode and a statement_timeout equal to the remaining deadline; the
/// runtime sends COMMIT when the body returns and ROLLBACK when it throws. Throw to roll
/// back. The body may run again on a retry, so it must not have effects outside the database
/// that are unsafe to repeat.
class tx {
 public:
  tx(pqxx::transaction_base& work, const exec_request& req, int32_t backend_pid)
      : work_(work), req_(req), backend_pid_(backend_pid) {}

  tx(const tx&) = delete;
  tx& operator=(const tx&) = delete;

  /// Runs `sql` with bound parameters $1, $2, ... (never spliced into the text).
  template <class... Args>
  pqxx::result exec(const std::string& sql, Args&&... args) {
    return work_.exec_params(sql, std::forward<Args>(args)...);
  }

  /// Runs a query that returns exactly one row with one column and converts it to T.
  template <class T, class... Args>
  T query_value(const std::string& sql, Args&&... args) {
    return work_.exec_params1(sql, std::forward<Args>(args)...)[0].template as<T>();
  }

  uint64_t id() const noexcept { return req_.tx_id; }
  uint32_t attempt() const noexcept { return req_.attempt; }
  int32_t backend_pid() const noexcept { return backend_pid_; }
  const tx_options& options() const noexcept { return req_.opts; }
  /// Time left until the transaction's deadline.
  std::chrono::milliseconds remaining() const noexcept;

  /// Escape hatch to libpqxx (e.g. stream_to). Do not COMMIT or ROLLBACK through it.
  pqxx::transaction_base& raw() noexcept { return work_; }

 private:
  pqxx::transaction_base& work_;
  const exec_request& req_;
  int32_t backend_pid_;
};

}  // namespace actortx

namespace actortx {

/// Throw from a body to roll back on purpose: the outcome is ROLLED_BACK (not FAILED), with
/// errc::rolled_back and this message, and the transaction is not retried.
class rollback : public std::runtime_error {
 public:
  explicit rollback(const std::string& why = "rolled back by the body") : std::runtime_error(why) {}
};

}  // namespace actortx
