// The handle a local transaction body gets. It runs on the connection actor's own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "messages/attempt.hpp"
#include "messages/statement.hpp"

namespace actortx {

/// What tx::nested() reports; converts to false when the nested block was rolled back.
struct nested_result {
  bool ok = true;
  std::string sqlstate;  ///< of the error that rolled the block back, if it came from SQL
  std::string message;   ///< first line of that error

  explicit operator bool() const noexcept { return ok; }
};

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
    return counted(work_.exec_params(sql, std::forward<Args>(args)...));
  }

  /// Runs a statement given as data (parameters bound, never spliced into SQL).
  pqxx::result exec(const statement& st);

  /// Runs a query that returns exactly one row with one column and converts it to T.
  template <class T, class... Args>
  T query_value(const std::string& sql, Args&&... args) {
    return counted(work_.exec_params1(sql, std::forward<Args>(args)...))[0].template as<T>();
  }

  uint64_t id() const noexcept { return req_.tx_id; }
  uint32_t attempt() const noexcept { return req_.attempt; }
  int32_t backend_pid() const noexcept { return backend_pid_; }
  const tx_options& options() const noexcept { return req_.opts; }
  /// Time left until the transaction's deadline.
  std::chrono::milliseconds remaining() const noexcept;

  /// Runs `body` inside a SAVEPOINT (nestable). If it fails with an error that concerns only
  /// its own work — a SQL error classified fail-fast (constraint, data, syntax, ...), an
  /// exception of the body's own, or actortx::rollback — its work is rolled back to the
  /// savepoint, the result says why, and the outer transaction goes on. Errors that doom the
  /// whole transaction are NOT swallowed but rethrown, so the runtime can retry or stop:
  /// serialization failures and deadlocks, a lost connection, the deadline's cancel (57014),
  /// SQLSTATEs made retryable for this transaction, and actortx::retryable_error.
  nested_result nested(const std::function<void(tx&)>& body);

  /// Manual savepoints. `name` must be a plain identifier (letters, digits, '_', '$'; not
  /// starting with a digit; at most 63 bytes; not "actortx_sp_..."), else
  /// std::invalid_argument naming it — it is never spliced into SQL unchecked.
  void savepoint(const std::string& name);
  void rollback_to(const std::string& name);
  void release(const std::string& name);

  /// Savepoints created in this attempt (nested() and savepoint()).
  uint32_t savepoints_used() const noexcept { return savepoints_used_; }
  /// Rows returned or affected by the statements run through exec()/query_value() (not raw()).
  uint64_t rows() const noexcept { return rows_; }

  /// Escape hatch to libpqxx (e.g. stream_to). Do not COMMIT or ROLLBACK through it.
  pqxx::transaction_base& raw() noexcept { return work_; }

 private:
  pqxx::transaction_base& work_;
  const exec_request& req_;
  int32_t backend_pid_;
  uint32_t depth_ = 0;  // of nested() calls
  uint32_t nested_counter_ = 0;
  uint32_t savepoints_used_ = 0;
  uint64_t rows_ = 0;

  pqxx::result counted(pqxx::result r) {
    rows_ += r.columns() > 0 ? r.size() : r.affected_rows();
    return r;
  }
  pqxx::row counted(pqxx::row r) {
    ++rows_;
    return r;
  }
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
