#include "actors/pg/attempt_runner.hpp"

#include <cstring>
#include <exception>
#include <vector>

#include <pqxx/except>

#include <actortx/log.hpp>
#include <actortx/retryable_error.hpp>
#include <actortx/tx.hpp>

#include "actors/pg/command_status.hpp"
#include "actors/pg/connection_actor.hpp"
#include "actors/pg/hook_calls.hpp"
#include "actors/pg/statement_cache.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "runtime/policy/application_name.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/idempotency.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// libpqxx messages carry "ERROR:  " and the query on further lines: keep the first line.
void try_rollback(pqxx::transaction_base& work, attempt_result& res) noexcept {
  try {
    work.exec("ROLLBACK");
  } catch (...) {
    // The connection's state is unknown: do not hand it out again without a check.
    res.connection_ok = false;
  }
}

/// libpqxx 6.4 maps 40001/40P01/40003 onto transaction_rollback subclasses that do not
/// keep the SQLSTATE; the classifier needs it back.
std::string rollback_sqlstate(const pqxx::transaction_rollback& e) {
  if (dynamic_cast<const pqxx::serialization_failure*>(&e)) return "40001";
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e)) return "40P01";
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e)) return "40003";
  return "40000";
}

/// Records a server error; true if the transaction is still open and needs a ROLLBACK.
bool on_sql_failure(const exec_request& req, tx_phase phase, std::string sqlstate, const char* what,
                    attempt_result& res) {
  res.record.sqlstate = std::move(sqlstate);
  res.record.cls = classify_sqlstate(res.record.sqlstate, phase, req.opts.classification);
  res.code = res.record.cls == error_class::timeout     ? errc::timeout
             : res.record.cls == error_class::in_doubt  ? errc::commit_in_doubt
             : res.record.cls == error_class::reconnect ? errc::connection_lost
                                                        : errc::sql_error;
  res.record.message = first_line(what);
  if (res.record.cls == error_class::reconnect || res.record.cls == error_class::in_doubt) {
    res.connection_ok = false;
    return false;
  }
  return true;
}

/// The deadline expired the attempt before COMMIT: it rolls back and never commits.
struct deadline_expired {};

}  // namespace

std::string begin_sql(const exec_request& req, int64_t remaining_ms) {
  std::string sql = "BEGIN ISOLATION LEVEL ";
  sql += to_string(req.opts.level);
  sql += req.opts.read_only ? " READ ONLY" : " READ WRITE";
  if (req.opts.deferrable) sql += " DEFERRABLE";
  sql += "; SET LOCAL statement_timeout = ";
  sql += std::to_string(remaining_ms > 0 ? remaining_ms : 1);
  sql += "; SET LOCAL application_name = '";
  // Digits, '/' and lower-case hex only: nothing to escape.
  sql += attempt_application_name(req.tx_id, req.attempt, req.opts.correlation_id);
  sql += '\'';
  return sql;
}

namespace {

/// The key was committed before: report that commit, roll back whatever this attempt did,
/// and run no hooks (they belong to the attempt that committed).
void deduplicate(pqxx::transaction_base& work, const exec_request& req, uint64_t by,
                 attempt_result& res) {
  try_rollback(work, res);
  if (by == fenced_tx_id) {
    // A saga decided this step never ran (see saga_log.hpp): it must not run now either.
    res.code = errc::fenced;
    res.record.cls = error_class::fail_fast;
    res.record.message = "idempotency key '" + req.opts.idempotency_key +
                         "' is fenced: its saga gave up on this step, so it must not run";
    return;
  }
  res.committed = true;
  res.deduplicated = true;
  res.record.message = "idempotency key '" + req.opts.idempotency_key + "' was committed by tx " +
                       std::to_string(by) + "; the body did not run again";
}

/// Runs the pre-commit hooks; a veto (any non-SQL exception) becomes an actortx::rollback.
void check_pre_commit(const attempt_hooks& hooks, tx& t) {
  for (const tx_hooks* set : {hooks.global, hooks.local}) {
    if (set == nullptr) continue;
    for (const auto& fn : set->pre_commit_hooks()) {
      try {
        fn(t);
      } catch (const pqxx::pqxx_exception&) {
        throw;  // a SQL or connection error: classified like the body's own
      } catch (const rollback&) {
        throw;
      } catch (const retryable_error&) {
        throw;  // asks for a retry, not a veto
      } catch (const std::exception& e) {
        throw rollback{std::string{"pre-commit hook vetoed the commit: "} + first_line(e.what())};
      }
    }
  }
}

}  // namespace

namespace {

/// Classifies what ended the attempt early; true if the transaction is still open on a live
/// connection and needs a ROLLBACK.
bool on_failure(const std::exception_ptr& failure, const exec_request& req, tx_phase phase,
                attempt_result& res) {
  try {
    std::rethrow_exception(failure);
  } catch (const pqxx::broken_connection& e) {
    res.connection_ok = false;
    res.record.cls = classify_connection_loss(phase);
    res.code = phase == tx_phase::commit ? errc::commit_in_doubt : errc::connection_lost;
    res.record.message = first_line(e.what());
    return false;
  } catch (const pqxx::in_doubt_error& e) {
    res.connection_ok = false;
    res.record.cls = error_class::in_doubt;
    res.code = errc::commit_in_doubt;
    res.record.message = first_line(e.what());
    return false;
  } catch (const stale_statement& e) {
    // Not the data's fault but the statement cache's (it forgot the statement already): the
    // error aborted the transaction, and the next attempt prepares the statement again.
    bool open = on_sql_failure(req, phase, e.sqlstate(), e.what(), res);
    res.record.cls = error_class::retry;
    res.code = errc::sql_error;
    return open;
  } catch (const pqxx::sql_error& e) {
    return on_sql_failure(req, phase, e.sqlstate(), e.what(), res);
  } catch (const pqxx::transaction_rollback& e) {
    // libpqxx 6 throws these without a SQLSTATE: restore it from the exception type.
    return on_sql_failure(req, phase, rollback_sqlstate(e), e.what(), res);
  } catch (const deadline_expired&) {
    res.code = errc::timeout;
    res.record.cls = error_class::timeout;
    res.record.message = "the deadline passed before COMMIT: rolled back, never committed";
  } catch (const rollback& e) {
    res.code = errc::rolled_back;
    res.record.cls = error_class::fail_fast;
    res.record.message = e.what();
  } catch (const retryable_error& e) {
    res.code = errc::body_failed;
    res.record.cls = error_class::retry;
    res.record.message = first_line(e.what());
  } catch (const std::exception& e) {
    res.code = errc::body_failed;
    res.record.cls = error_class::fail_fast;
    res.record.message = first_line(e.what());
  } catch (...) {
    res.code = errc::body_failed;
    res.record.cls = error_class::fail_fast;
    res.record.message = "the body threw a non-standard exception";
  }
  return true;
}

/// DEALLOCATEs the statements the cache let go. Called between transactions, so a failure
/// cannot abort one, and with the attempt bound to its gate, so a hung server is cancelled.
/// A statement the server lost already (26000) is re-created as a stub and dropped again, so
/// that libpqxx's registry forgets it as well.
void release_evicted(pqxx::connection_base& conn, statement_cache* statements) noexcept {
  if (statements == nullptr) return;
  for (const auto& name : statements->take_evicted()) {
    try {
      try {
        conn.unprepare(name);
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "26000") throw;
        pqxx::nontransaction stub{conn, "actortx_unprepare"};
        stub.exec("PREPARE " + conn.quote_name(name) + " AS SELECT 1");
        conn.unprepare(name);
      }
    } catch (const pqxx::broken_connection&) {
      return;  // the statements went with the session; BEGIN will report the connection
    } catch (const std::exception& e) {
      log(log_component::connection).debug("DEALLOCATE {} failed: {}", name, first_line(e.what()));
    }
  }
}

/// How far an attempt got, for the classification of what stopped it.
struct progress {
  tx_phase phase = tx_phase::begin;
  bool begun = false;  // BEGIN went through: there is work to commit or roll back
};

/// BEGIN, the key, the body, the pre-commit hooks and COMMIT; throws what ended it early.
/// False when the key was committed before: the body did not run, and no hooks must.
bool run_transaction(pqxx::transaction_base& work, const exec_request& req, int32_t backend_pid,
                     int64_t remaining_ms, const std::function<void(tx&, attempt_result&)>& body,
                     const attempt_hooks& hooks, statement_cache* statements, progress& at,
                     attempt_result& res) {
  work.exec(begin_sql(req, remaining_ms));
  at.begun = true;
  at.phase = tx_phase::body;
  // The key first: if an earlier attempt's COMMIT is still in flight on the server (its reply
  // lost), this waits for it and then sees the key as committed, so the body is never run
  // twice; a concurrent request with the same key waits for this one.
  const auto& key = req.opts.idempotency_key;
  if (!key.empty()) {
    if (!record_key(work, key, req.tx_id, req.opts.label, statements)) {
      deduplicate(work, req, committed_by(work, key, statements), res);
      return false;
    }
    res.key_recorded = true;
  }
  tx t{work, req, backend_pid, statements};
  // Whatever ends the attempt (a throw included), the connection learns whether the body may
  // have changed its session, to reset it before its next lease.
  struct session_note {
    const tx& t;
    attempt_result& res;
    ~session_note() { res.session_changed = res.session_changed || t.session_changed(); }
  } note{t, res};
  body(t, res);
  res.savepoints = t.savepoints_used();
  res.rows += t.rows();
  check_pre_commit(hooks, t);
  if (req.gate && !req.gate->enter_commit()) throw deadline_expired{};
  at.phase = tx_phase::commit;
  // Statements queued for COMMIT go in its round trip (one simple-query string: if one fails,
  // the rest, COMMIT included, is skipped and the transaction is aborted).
  auto r =
      work.exec(t.at_commit_sql().empty() ? std::string{"COMMIT"} : t.at_commit_sql() + "COMMIT");
  if (std::strcmp(command_status(r), "COMMIT") == 0) {
    res.committed = true;
  } else {
    // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK: the body caught a
    // statement's error and went on.
    res.code = errc::rolled_back;
    res.record.cls = error_class::fail_fast;
    res.record.message =
        "COMMIT was answered with ROLLBACK: a statement failed inside the "
        "body and its error was caught";
  }
  return true;
}

}  // namespace

attempt_result run_attempt(pqxx::connection_base& conn, const std::shared_ptr<pg_link>& link,
                           int32_t backend_pid, const exec_request& req,
                           const std::function<void(tx&, attempt_result&)>& body,
                           const attempt_hooks& hooks, statement_cache* statements) {
  attempt_result res;
  res.record.number = req.attempt;
  res.record.backend_pid = backend_pid;
  const auto started = steady_now_ns();
  auto finish = [&] {
    res.record.duration = std::chrono::microseconds{(steady_now_ns() - started) / 1000};
    return std::move(res);
  };
  const int64_t remaining_ms = (req.deadline_ns - started) / 1000000;
  if (remaining_ms <= 0) {
    res.code = errc::timeout;
    res.record.cls = error_class::timeout;
    res.record.message = "deadline passed before the attempt could start";
    return finish();
  }
  if (req.gate && !req.gate->start(link)) {
    res.code = errc::timeout;
    res.record.cls = error_class::timeout;
    res.record.message = "the deadline expired the attempt before it started";
    return finish();
  }
  release_evicted(conn, statements);
  progress at;
  bool hooks_apply = true;
  try {
    // nontransaction sends nothing itself: BEGIN/COMMIT are ours, so isolation, READ ONLY,
    // DEFERRABLE and the statement_timeout go in one round trip.
    pqxx::nontransaction work{conn, "actortx"};
    bool send_rollback = false;  // the failure left the transaction open on a live connection
    try {
      hooks_apply =
          run_transaction(work, req, backend_pid, remaining_ms, body, hooks, statements, at, res);
    } catch (...) {
      send_rollback = on_failure(std::current_exception(), req, at.phase, res);
    }
    if (send_rollback) {
      notify_hooks(hooks, hook_kind::pre_rollback,
                   attempt_event(req, backend_pid, res.record.message));
      try_rollback(work, res);
    }
  } catch (const std::exception& e) {
    // Creating the nontransaction failed: the connection is unusable.
    res.connection_ok = false;
    res.code = errc::connection_lost;
    res.record.cls = error_class::reconnect;
    res.record.message = first_line(e.what());
  }
  if (req.gate) req.gate->finish();
  if (!conn.is_open()) res.connection_ok = false;
  if (!hooks_apply) return finish();  // the hooks belong to the attempt that committed the key
  if (res.committed)
    notify_hooks(hooks, hook_kind::post_commit, attempt_event(req, backend_pid));
  else if (at.begun && res.record.cls != error_class::in_doubt)
    notify_hooks(hooks, hook_kind::post_rollback,
                 attempt_event(req, backend_pid, res.record.message));
  return finish();
}

void run_script(tx& t, const tx_script& script, attempt_result& out) {
  for (const auto& st : script.statements) {
    // tx::exec: prepared through the connection's statement cache, rows counted by t.
    auto r = t.exec(st);
    result_set rs;
    rs.affected_rows = r.affected_rows();
    rs.columns.reserve(r.columns());
    for (pqxx::row::size_type c = 0; c < r.columns(); ++c)
      rs.columns.emplace_back(r.column_name(c));
    rs.rows.reserve(r.size());
    for (const auto& row : r) {
      std::vector<sql_value> values;
      values.reserve(row.size());
      for (const auto& field : row)
        values.push_back(field.is_null() ? sql_value::null() : sql_value::of(field.c_str()));
      rs.rows.push_back(std::move(values));
    }
    out.results.push_back(std::move(rs));
  }
}

}  // namespace actortx
