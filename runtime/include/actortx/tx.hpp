// The handle a local transaction body gets. It runs on the connection actor's own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <actortx/statement.hpp>
#include <actortx/tx_options.hpp>

namespace actortx {

class statement_cache;
struct exec_request;  // the attempt a body runs in (internal)

/// A cached prepared statement the server no longer accepts: 0A000 (its result type changed,
/// e.g. after ALTER TABLE) or 26000 (the server dropped it: DEALLOCATE ALL, DISCARD ALL, a
/// pooler that switched backends). Its error aborted the transaction, so the attempt is
/// retried (error_class::retry), and the next attempt prepares the statement again.
class stale_statement : public pqxx::sql_error {
 public:
  stale_statement(const pqxx::sql_error& cause, const std::string& name);
};

namespace detail {

/// A statement as the cache names it: `name` empty means run it unnamed (no cache).
struct cached_statement {
  std::string name;
  bool reused = false;  ///< prepared by an earlier use, not just now
};

/// Names `sql` in `cache` and makes sure the server has it prepared (one PREPARE round trip
/// on a miss). A failing PREPARE leaves no entry behind. Null or disabled cache: no name.
cached_statement prepare_cached(pqxx::transaction_base& work, statement_cache* cache,
                                const std::string& sql);

/// Called with the error of executing `st`: if it is 0A000 / 26000 of a reused statement,
/// drops it from the cache and throws stale_statement; else returns (the caller rethrows).
void check_stale(statement_cache& cache, const cached_statement& st, const std::string& sql,
                 const pqxx::sql_error& e);

/// exec_params, or exec_prepared of the cached statement when there is a cache.
template <class... Args>
pqxx::result exec_cached(pqxx::transaction_base& work, statement_cache* cache,
                         const std::string& sql, Args&&... args) {
  auto st = prepare_cached(work, cache, sql);
  if (st.name.empty()) return work.exec_params(sql, std::forward<Args>(args)...);
  try {
    return work.exec_prepared(st.name, std::forward<Args>(args)...);
  } catch (const pqxx::sql_error& e) {
    check_stale(*cache, st, sql, e);
    throw;
  }
}

/// pqxx's exec_params1 contract: exactly one row, else pqxx::unexpected_rows.
const pqxx::result& expect_one_row(const pqxx::result& r);

}  // namespace detail

/// What tx::nested() reports; converts to false when the nested block was rolled back.
struct nested_result {
  bool ok = true;
  std::string sqlstate;  ///< of the error that rolled the block back, if it came from SQL
  std::string message;   ///< first line of that error

  explicit operator bool() const noexcept { return ok; }
};

/// What tx::nested() reports for a block returning T: why it was rolled back, or its value.
template <class T>
struct nested_value : nested_result {
  std::optional<T> result;  ///< the block's value when its savepoint was released

  /// The value; a rolled-back block throws actortx::rollback with its message, which rolls
  /// the whole transaction back on purpose (ROLLED_BACK, not retried) unless caught.
  T& value();
};

/// One attempt of a transaction, seen from its body. BEGIN has been sent with the requested
/// isolation and access mode and a statement_timeout equal to the remaining deadline; the
/// runtime sends COMMIT when the body returns and ROLLBACK when it throws. Throw to roll
/// back. The body may run again on a retry, so it must not have effects outside the database
/// that are unsafe to repeat.
class tx {
 public:
  /// With a `statements` cache, exec() and query_value() run server-side prepared statements
  /// named by it; without (null), unnamed ones.
  tx(pqxx::transaction_base& work, const exec_request& req, int32_t backend_pid,
     statement_cache* statements = nullptr)
      : work_(work), req_(req), backend_pid_(backend_pid), statements_(statements) {}

  tx(const tx&) = delete;
  tx& operator=(const tx&) = delete;

  /// Runs `sql` with bound parameters $1, $2, ... (never spliced into the text). The connection
  /// keeps it prepared (actortx.prepared-statements), so a repeated `sql` is planned once.
  template <class... Args>
  pqxx::result exec(const std::string& sql, Args&&... args) {
    note(sql);
    return counted(detail::exec_cached(work_, statements_, sql, std::forward<Args>(args)...));
  }

  /// Runs a statement given as data (parameters bound, never spliced into SQL).
  pqxx::result exec(const statement& st);

  /// Runs `st` when the body has returned, in the same round trip as COMMIT (one round trip
  /// saved): for a last write whose result the body does not need, such as an outbox or log
  /// row. If it fails, nothing commits and the attempt fails with its error, as if it had run
  /// inside the body. Its parameters go to the server as quoted literals, not bound (the
  /// statement is not prepared). Several are run in the order given.
  void exec_at_commit(const statement& st);
  /// What exec_at_commit() queued, as SQL text (empty: nothing).
  const std::string& at_commit_sql() const noexcept { return at_commit_; }

  /// Runs a query that returns exactly one row with one column and converts it to T.
  template <class T, class... Args>
  T query_value(const std::string& sql, Args&&... args) {
    note(sql);
    const auto r = detail::exec_cached(work_, statements_, sql, std::forward<Args>(args)...);
    return counted(detail::expect_one_row(r)[0])[0].template as<T>();
  }

  uint64_t id() const noexcept;
  uint32_t attempt() const noexcept;
  int32_t backend_pid() const noexcept { return backend_pid_; }
  const tx_options& options() const noexcept;
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
  /// Same for a block returning a value: nested_value<R>::result holds it when released.
  template <class F, class R = std::invoke_result_t<F&, tx&>,
            std::enable_if_t<!std::is_void<R>::value, int> = 0>
  nested_value<R> nested(F&& body) {
    nested_value<R> out;
    static_cast<nested_result&>(out) =
        nested([&out, &body](tx& t) { out.result.emplace(body(t)); });
    if (!out.ok) out.result.reset();
    return out;
  }

  /// COPY `table` (`columns`) FROM STDIN: all rows in one stream, in COPY's text format escaped
  /// by actortx (sent with libpqxx's tablewriter::write_raw_line: 6.4's stream_to cannot take
  /// rows of run-time width), for bulk loads (docs/copy.md: 12-15x the rows/s of one INSERT per
  /// row). `table` may be schema-qualified ("s.t"); table and column names must be plain
  /// identifiers (else std::invalid_argument naming it, before any SQL), are folded to lower
  /// case as unquoted names are, then quoted, never spliced; empty `columns`: every column in
  /// table order. A row with the wrong number of values is std::invalid_argument naming the
  /// row. Returns the rows copied. A server error (a constraint, a bad value) aborts the
  /// transaction like any statement's.
  uint64_t copy_from(const std::string& table, const std::vector<std::string>& columns,
                     const std::vector<std::vector<sql_value>>& rows);
  /// Same, rows as tuples of C++ values (std::optional<T> or sql_value::null() for NULL).
  template <class... Ts>
  uint64_t copy_from(const std::string& table, const std::vector<std::string>& columns,
                     const std::vector<std::tuple<Ts...>>& rows) {
    std::vector<std::vector<sql_value>> text;
    text.reserve(rows.size());
    for (const auto& r : rows)
      text.push_back(std::apply(
          [](const auto&... v) { return std::vector<sql_value>{sql_value::of(v)...}; }, r));
    return copy_from(table, columns, text);
  }
  /// COPY `table` (`columns`; empty: all) TO STDOUT through libpqxx's stream_from: calls
  /// `row` with every row's values (text or NULL) in column order. Names are checked and
  /// quoted as for copy_from. Returns the rows read.
  uint64_t copy_to(const std::string& table, const std::vector<std::string>& columns,
                   const std::function<void(const std::vector<sql_value>&)>& row);

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

  /// Escape hatch to libpqxx (e.g. stream_to). Do not COMMIT or ROLLBACK through it. Marks the
  /// session as changed (mark_session_changed()): the runtime cannot see what runs through it.
  pqxx::transaction_base& raw() noexcept {
    session_changed_ = true;
    return work_;
  }

  /// Tells the runtime that this attempt changed session state in a way its SQL does not show
  /// (a function that calls set_config(), a procedure's SET): with actortx.pool-reset-session
  /// the connection is reset before its next lease. exec(), query_value() and scripts mark
  /// what they recognise themselves: SET (not SET LOCAL), RESET, PREPARE, DEALLOCATE, LISTEN,
  /// UNLISTEN, DECLARE, DISCARD, LOAD, DO, CREATE TEMP, pg_temp, session advisory locks and
  /// set_config().
  void mark_session_changed() noexcept { session_changed_ = true; }
  /// Whether this attempt may have changed its session (see mark_session_changed()).
  bool session_changed() const noexcept { return session_changed_; }

 private:
  pqxx::transaction_base& work_;
  const exec_request& req_;
  int32_t backend_pid_;
  statement_cache* statements_;
  uint32_t depth_ = 0;  // of nested() calls
  uint32_t nested_counter_ = 0;
  uint32_t savepoints_used_ = 0;
  uint64_t rows_ = 0;
  bool session_changed_ = false;
  std::string at_commit_;  // statements for COMMIT's round trip, ';'-terminated

  /// Marks the session changed if `sql` may change it (session_statement.hpp).
  void note(const std::string& sql) noexcept;
  pqxx::result counted(const pqxx::result& r) {
    rows_ += r.columns() > 0 ? r.size() : r.affected_rows();
    return r;
  }
  pqxx::row counted(const pqxx::row& r) {
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

template <class T>
T& nested_value<T>::value() {
  if (!ok || !result) throw rollback(message.empty() ? "a nested block was rolled back" : message);
  return *result;
}

}  // namespace actortx
