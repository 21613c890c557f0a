// Runs a tx_script attempt as one libpq pipeline and reports it like run_attempt.
#include "actors/pg/pipeline_runner.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "actors/pg/hook_calls.hpp"
#include "actors/pg/pg_link.hpp"
#include "actors/pg/pipeline_io.hpp"
#include "actors/pg/pipeline_plan.hpp"
#include "actors/pg/statement_cache.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/idempotency.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// What the pipeline's results said.
struct reading {
  bool begun = false;            ///< BEGIN went through
  bool commit_answered = false;  ///< COMMIT's own reply arrived: the outcome is known
  bool committed = false;        ///< ... and it was "COMMIT"
  bool failed = false;           ///< a command failed: the rest was skipped, nothing committed
  bool key_taken = false;        ///< the key's INSERT found it committed (23505)
  bool unexpected = false;       ///< libpq refused a call or gave a result that cannot be here
  const pipe_item* failed_item = nullptr;
  std::string sqlstate;
  std::string message;
};

tx_phase phase_of(pipe_role role) noexcept {
  switch (role) {
    case pipe_role::key:
    case pipe_role::refresh:
    case pipe_role::statement:
      return tx_phase::body;
    case pipe_role::commit:
      return tx_phase::commit;
    default:
      return tx_phase::begin;
  }
}

/// A statement's result exactly as run_script reports it (text values, NULLs, the tag's count).
result_set to_result_set(const PGresult* r, uint64_t& rows) {
  result_set rs;
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(r));
  rs.affected_rows = tuples[0] != '\0' ? std::strtoull(tuples, nullptr, 10) : 0;
  const int columns = PQnfields(r);
  const int count = PQntuples(r);
  rows += columns > 0 ? static_cast<uint64_t>(count) : rs.affected_rows;
  rs.columns.reserve(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) rs.columns.emplace_back(PQfname(r, c));
  rs.rows.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::vector<sql_value> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c)
      values.push_back(PQgetisnull(r, i, c) ? sql_value::null()
                                            : sql_value::of(PQgetvalue(r, i, c)));
    rs.rows.push_back(std::move(values));
  }
  return rs;
}

void on_success(const pipe_item& item, const PGresult* r, statement_cache& cache, reading& rd,
                attempt_result& res) {
  if (item.parse) {
    if (item.named) cache.mark_prepared(*item.sql);  // only now does the server have it
    return;
  }
  switch (item.role) {
    case pipe_role::begin:
      rd.begun = true;
      break;
    case pipe_role::key:
      res.key_recorded = true;  // it waited for any holder: no earlier attempt committed
      break;
    case pipe_role::statement:
      res.results.push_back(to_result_set(r, res.rows));
      break;
    case pipe_role::commit:
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK.
      rd.commit_answered = true;
      rd.committed = std::strcmp(PQcmdStatus(const_cast<PGresult*>(r)), "COMMIT") == 0;
      break;
    default:
      break;
  }
}

void on_error(const pipe_item& item, const PGresult* r, reading& rd) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (state == nullptr) {  // libpq's own error, not the server's: nothing to classify
    rd.unexpected = true;
    return;
  }
  // A DEALLOCATE that fails (the server lost the statement) aborts only its own sync segment;
  // unless the session itself ends there, it does not matter.
  if (item.role == pipe_role::deallocate && classify_sqlstate(state) != error_class::reconnect)
    return;
  if (item.role == pipe_role::commit) rd.commit_answered = true;  // answered: not committed
  if (rd.failed) return;
  rd.failed = true;
  rd.failed_item = &item;
  rd.sqlstate = state;
  rd.message = first_line(PQresultErrorMessage(r));
  rd.key_taken = item.role == pipe_role::key && !item.parse && rd.sqlstate == "23505";
}

void on_result(const pipe_item& item, const PGresult* r, statement_cache& cache, reading& rd,
               attempt_result& res) {
  switch (PQresultStatus(r)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      on_success(item, r, cache, rd, res);
      break;
    case PGRES_FATAL_ERROR:
      on_error(item, r, rd);
      break;
    case PGRES_PIPELINE_ABORTED:
      break;  // skipped after the failure recorded before it
    default:  // COPY, a sync where a command belongs, ...: the protocol state is unknown
      rd.unexpected = true;
      break;
  }
}

/// Reads every command's results in order. Stops early only if the connection broke or
/// misbehaved (then the caller distrusts it).
void read_all(pg_pipeline& pipe, const pipe_plan& plan, statement_cache& cache, reading& rd,
              attempt_result& res) {
  for (const auto& item : plan.items) {
    auto r = pipe.next();
    if (!r) {
      if (!pipe.lost()) rd.unexpected = true;
      return;
    }
    const bool from_server = PQresultStatus(r.get()) != PGRES_FATAL_ERROR ||
                             PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) != nullptr;
    if (pipe.lost() && !from_server) return;  // libpq's "connection lost"
    if (item.role == pipe_role::sync) {
      if (PQresultStatus(r.get()) != PGRES_PIPELINE_SYNC) rd.unexpected = true;
    } else {
      on_result(item, r.get(), cache, rd, res);
      if (!rd.unexpected && !pipe.lost() && pipe.next()) rd.unexpected = true;  // not the null
    }
    if (rd.unexpected || pipe.lost()) return;
  }
}

void fail_with_sqlstate(const exec_request& req, const reading& rd, statement_cache& cache,
                        attempt_result& res) {
  const pipe_item& item = *rd.failed_item;
  res.record.sqlstate = rd.sqlstate;
  res.record.message = rd.message;
  res.record.cls = classify_sqlstate(rd.sqlstate, phase_of(item.role), req.opts.classification);
  res.code = res.record.cls == error_class::timeout     ? errc::timeout
             : res.record.cls == error_class::in_doubt  ? errc::commit_in_doubt
             : res.record.cls == error_class::reconnect ? errc::connection_lost
                                                        : errc::sql_error;
  if (res.record.cls == error_class::reconnect || res.record.cls == error_class::in_doubt)
    res.connection_ok = false;
  // A cached statement whose result type changed after DDL (0A000), or that the server no
  // longer has (26000: DEALLOCATE ALL, DISCARD ALL - then none of ours is trusted): not the
  // data's fault. The next attempt prepares again.
  if (item.named && !item.parse && (rd.sqlstate == "0A000" || rd.sqlstate == "26000")) {
    if (rd.sqlstate == "26000")
      cache.forget_all();
    else
      cache.forget(*item.sql);
    res.record.cls = error_class::retry;
    res.code = errc::sql_error;
  }
}

/// The outcome from what was read (the key's 23505 is resolved later, by report_key_taken).
void settle(const exec_request& req, const pipe_plan& plan, const reading& rd,
            const pg_pipeline& pipe, statement_cache& cache, attempt_result& res) {
  if (rd.key_taken) return;
  if (rd.failed) return fail_with_sqlstate(req, rd, cache, res);
  if (rd.commit_answered) {
    if (rd.committed) {
      res.committed = true;
    } else {
      res.code = errc::rolled_back;
      res.record.cls = error_class::fail_fast;
      res.record.message = "COMMIT was answered with ROLLBACK: the transaction had failed";
    }
    return;
  }
  // No failure seen and no reply to COMMIT: the connection broke or libpq refused a call.
  res.connection_ok = false;
  res.record.message = pipe.error().empty() ? "the pipeline's results broke off" : pipe.error();
  if (!plan.commit_queued && !pipe.lost()) {
    res.code = errc::sql_error;  // libpq refused the script (e.g. too many parameters)
    res.record.cls = error_class::fail_fast;
  } else if (!plan.commit_queued) {
    res.code = errc::connection_lost;
    res.record.cls = error_class::reconnect;
  } else {
    // COMMIT was on the wire from the start: it may have been executed.
    res.code = errc::commit_in_doubt;
    res.record.cls = error_class::in_doubt;
  }
}

bool exec_ok(PGconn* conn, const char* sql) {
  pq_result r{PQexec(conn, sql)};
  return r && PQresultStatus(r.get()) == PGRES_COMMAND_OK &&
         PQtransactionStatus(conn) == PQTRANS_IDLE;
}

/// Hands the connection back as libpqxx expects it: out of pipeline mode, blocking, no
/// transaction open (ROLLBACK after a failure, with the pre-rollback hooks). If that cannot be
/// made sure, the socket is cut, so the pool's health ping fails and replaces the connection.
void hand_back(PGconn* conn, const std::shared_ptr<pg_link>& link, pg_pipeline& pipe,
               const reading& rd, const exec_request& req, int32_t backend_pid,
               const attempt_hooks& hooks, attempt_result& res) {
  bool trusted = pipe.leave() && !rd.unexpected;
  if (pipe.lost()) {
    res.connection_ok = false;
    return;
  }
  if (trusted) {
    const auto status = PQtransactionStatus(conn);
    if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
      if (!rd.key_taken)
        notify_hooks(hooks, hook_kind::pre_rollback,
                     attempt_event(req, backend_pid, res.record.message));
      trusted = exec_ok(conn, "ROLLBACK");
    } else {
      trusted = status == PQTRANS_IDLE;
    }
  }
  if (!trusted) {
    res.connection_ok = false;
    if (link) link->cut();
  }
}

/// The key's INSERT met a committed key: report that commit as run_attempt's deduplicate().
void report_key_taken(PGconn* conn, const exec_request& req, attempt_result& res) {
  const auto& key = req.opts.idempotency_key;
  if (!res.connection_ok) {
    res.code = errc::connection_lost;
    res.record.cls = error_class::reconnect;
    res.record.message = "idempotency key '" + key +
                         "' is taken; the connection broke before "
                         "its transaction could be looked up";
    return;
  }
  const char* values[] = {key.c_str()};
  pq_result r{PQexecParams(conn, "SELECT tx_id FROM actortx.idempotency_keys WHERE key = $1", 1,
                           nullptr, values, nullptr, nullptr, 0)};
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) == 0) {
    // Gone again (deleted) or unreadable: nothing committed here, a retry decides afresh.
    res.code = errc::sql_error;
    res.record.cls = error_class::retry;
    res.record.message = "idempotency key '" + key + "' was taken but could not be looked up: " +
                         (r ? first_line(PQresultErrorMessage(r.get())) : "no result");
    if (PQstatus(conn) != CONNECTION_OK) res.connection_ok = false;
    return;
  }
  const uint64_t by = std::strtoull(PQgetvalue(r.get(), 0, 0), nullptr, 10);
  res.record.sqlstate.clear();
  if (by == fenced_tx_id) {
    // A saga decided this step never ran (see saga_log.hpp): it must not run now either.
    res.code = errc::fenced;
    res.record.cls = error_class::fail_fast;
    res.record.message = "idempotency key '" + key +
                         "' is fenced: its saga gave up on this step, so it must not run";
    return;
  }
  res.record.cls = error_class::none;
  res.committed = true;
  res.deduplicated = true;
  res.record.message = "idempotency key '" + key + "' was committed by tx " + std::to_string(by) +
                       "; the body did not run again";
}

attempt_result timed_out(attempt_result res, const char* why) {
  res.code = errc::timeout;
  res.record.cls = error_class::timeout;
  res.record.message = why;
  return res;
}

}  // namespace

int64_t pipeline_statement_timeout_ms(int64_t remaining_ms) noexcept {
  const int64_t margin = std::min<int64_t>(20, remaining_ms / 10);
  return std::max<int64_t>(1, remaining_ms - margin);
}

attempt_result run_pipelined(PGconn* conn, const std::shared_ptr<pg_link>& link,
                             int32_t backend_pid, const exec_request& req, const tx_script& script,
                             statement_cache& cache, const attempt_hooks& hooks) {
  attempt_result res;
  res.record.number = req.attempt;
  res.record.backend_pid = backend_pid;
  const auto started = steady_now_ns();
  auto finish = [&](attempt_result r) {
    r.record.duration = std::chrono::microseconds{(steady_now_ns() - started) / 1000};
    return r;
  };
  if ((req.deadline_ns - started) / 1000000 <= 0)
    return finish(timed_out(std::move(res), "deadline passed before the attempt could start"));
  if (req.gate && !req.gate->start(link))
    return finish(timed_out(std::move(res), "the deadline expired the attempt before it started"));
  pg_pipeline pipe{conn};
  reading rd;
  if (!pipe.enter()) {
    pipe.leave();
    res.connection_ok = false;
    res.code = errc::connection_lost;
    res.record.cls = error_class::reconnect;
    res.record.message = pipe.error();
  } else if (req.gate && !req.gate->enter_commit()) {
    pipe.leave();  // nothing was queued: COMMIT never left
    res = timed_out(std::move(res),
                    "the deadline passed before the script was sent: never "
                    "committed");
  } else {
    // COMMIT goes with everything else, so the server enforces the deadline from here on.
    const int64_t left_ms = (req.deadline_ns - steady_now_ns()) / 1000000;
    pipe_plan plan;
    if (queue_attempt(pipe, req, script, cache, pipeline_statement_timeout_ms(left_ms), plan))
      read_all(pipe, plan, cache, rd, res);
    else
      rd.unexpected = true;
    settle(req, plan, rd, pipe, cache, res);
    hand_back(conn, link, pipe, rd, req, backend_pid, hooks, res);
    if (rd.key_taken) report_key_taken(conn, req, res);
  }
  if (req.gate) req.gate->finish();
  if (!rd.key_taken) {
    if (res.committed)
      notify_hooks(hooks, hook_kind::post_commit, attempt_event(req, backend_pid));
    else if (rd.begun && res.record.cls != error_class::in_doubt)
      notify_hooks(hooks, hook_kind::post_rollback,
                   attempt_event(req, backend_pid, res.record.message));
  }
  return finish(std::move(res));
}

}  // namespace actortx
