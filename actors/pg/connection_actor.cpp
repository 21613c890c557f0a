#include "actors/pg/connection_actor.hpp"

#include <memory>

#include <caf/all.hpp>
#include <pqxx/pqxx>

#include <actortx/log.hpp>
#include <actortx/tx.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/pg/attempt_runner.hpp"
#include "actors/pg/hook_calls.hpp"
#include "actors/pg/pg_connection.hpp"
#include "actors/pg/pipeline_runner.hpp"
#include "actors/pg/running_body.hpp"
#include "actors/pg/session_reset.hpp"
#include "actors/pg/statement_cache.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/session_statement.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

/// How long a finished attempt waits for a cancel request still in flight before its
/// connection is given up instead of reused.
constexpr auto cancel_settle = std::chrono::milliseconds(200);

/// Whether any statement of the script may change the session (session_statement.hpp).
bool changes_session(const tx_script& script) {
  for (const auto& st : script.statements)
    if (may_change_session(st.sql)) return true;
  return false;
}

/// Resets the session if the attempt may have changed it (pool-reset-session); false if that
/// failed, and then the connection must be given up.
bool reset_if_changed(const connection_settings& s, pg_connection& conn, bool changed,
                      int32_t pid) {
  if (!s.reset_session || !changed) return true;
  try {
    reset_session(conn);
    if (s.desk) s.desk->count_reset();
    log(log_component::pool).debug("pool: session of backend {} reset", pid);
    return true;
  } catch (const std::exception& e) {
    log(log_component::pool)
        .warn("pool: resetting the session of backend {} failed ({}); closing the connection", pid,
              first_line(e.what()));
    return false;
  }
}

/// Back to the desk unless it is past its lifetime (then the pool closes it).
bool give_back_idle(lane_call& call) {
  const auto now = steady_now_ns();
  if (call.conn.expired(now)) return false;
  call.conn.idle_since_ns = now;
  return call.desk->give_back(call.conn);
}

/// A lane attempt is over: the connection goes back to the desk (if nothing can hit its next
/// statement and its session needs no reset) before the caller is answered, so that the
/// caller's next transaction finds it; otherwise the caller is answered first, and the
/// connection settles and is reset, then goes back to the desk or to the pool.
void answer_lane(connection_actor::pointer self, pg_connection& conn, const connection_settings& s,
                 const exec_request& req, const lane_ticket& ticket, attempt_result r,
                 int32_t pid) {
  auto& call = *ticket.call;
  if (!conn.is_open()) r.connection_ok = false;
  const bool settled = !req.gate || req.gate->await_cancels(std::chrono::milliseconds(0));
  const bool changed = s.reset_session && r.session_changed;
  if (r.connection_ok && settled && !changed && give_back_idle(call)) {
    call.answer.answer(lane_answer{std::move(r)});
    return;
  }
  bool healthy = r.connection_ok;
  const bool committed = r.committed;
  if (!call.answer.answer(lane_answer{std::move(r)}) && committed)
    log(log_component::connection)
        .warn(
            "{} was answered IN_DOUBT (COMMIT unanswered past its deadline); its attempt 1 "
            "did commit",
            name_of(req.tx_id, req.opts));
  if (req.gate && !req.gate->await_cancels(cancel_settle)) healthy = false;
  if (healthy && !reset_if_changed(s, conn, changed, pid)) {
    self->quit(make_error(errc::connection_lost, "session reset failed"));
    return;
  }
  if (!conn.is_open()) {
    self->quit(make_error(errc::connection_lost, "connection closed"));
    return;
  }
  if (healthy && give_back_idle(call)) return;
  self->send(s.pool, returned_atom::value, caf::actor_cast<connection_actor>(self), healthy);
}

/// An actor-path attempt is over. After an attempt that left the connection unusable, quit so
/// that the pool replaces us. A cancel request still in flight (its deadline expired the
/// attempt) could hit the next statement: wait for it here, or give the connection up. A
/// session the body changed is reset before the answer goes back (and the pool can lease the
/// connection again).
attempt_result settle(connection_actor::pointer self, pg_connection& conn,
                      const connection_settings& s, const exec_request& req, attempt_result r,
                      int32_t pid) {
  if (req.gate && !req.gate->await_cancels(cancel_settle)) r.connection_ok = false;
  if (r.connection_ok && conn.is_open() && !reset_if_changed(s, conn, r.session_changed, pid)) {
    r.connection_ok = false;
    self->quit(make_error(errc::connection_lost, "session reset failed"));
  }
  if (!conn.is_open()) {
    r.connection_ok = false;  // never back to the desk: this actor quits now
    self->quit(make_error(errc::connection_lost, "connection closed"));
  }
  return r;
}

/// A pool's check of a connection that came back in doubt; a broken one quits (and is replaced).
caf::result<int32_t> ping(connection_actor::pointer self, pg_connection& conn, int32_t pid) {
  try {
    pqxx::nontransaction w{conn, "actortx_ping"};
    w.exec("SELECT 1");
    return pid;
  } catch (const std::exception& e) {
    auto err = make_error(errc::connection_lost, first_line(e.what()));
    self->quit(err);
    return err;
  }
}

/// What these backends run now, from pg_stat_activity (asked on the pool's monitor connection).
caf::result<std::vector<backend_activity>> current_statements(connection_actor::pointer self,
                                                              pg_connection& conn,
                                                              const std::vector<int32_t>& pids) {
  try {
    std::string list = "{";
    for (auto p : pids) list += (list.size() > 1 ? "," : "") + std::to_string(p);
    list += '}';
    pqxx::nontransaction w{conn, "actortx_activity"};
    auto r = w.exec_params(
        "SELECT pid, coalesce(query, '') FROM pg_stat_activity WHERE pid = ANY($1::int[])", list);
    std::vector<backend_activity> out;
    for (const auto& row : r) out.push_back({row[0].as<int32_t>(), row[1].c_str()});
    return out;
  } catch (const std::exception& e) {
    auto err = make_error(errc::connection_lost, first_line(e.what()));
    self->quit(err);
    return err;
  }
}

}  // namespace

connection_actor::behavior_type connection_fn(connection_actor::pointer self,
                                              connection_settings s) {
  // Connecting blocks, which is fine: a detached actor runs its init on its own thread.
  std::shared_ptr<pg_connection> conn;
  int32_t pid = 0;
  try {
    conn = std::make_shared<pg_connection>(s.dsn);
    pid = conn->backendpid();
    log(log_component::connection).debug("connection to backend {} open", pid);
    self->send(s.pool, ready_atom::value, pid);
  } catch (const std::exception& e) {
    // libpq's text names host and reason, never the password. The behaviour below is never
    // used: the actor terminates after this function returns.
    self->quit(make_error(errc::connection_failed, first_line(e.what())));
  }

  // Prepared statements live as long as this connection actor: a new connection starts empty.
  auto statements = std::make_shared<statement_cache>(s.statement_cache_size, "ax_");
  // Pipelined scripts keep their own ("axp_"), sized alike.
  auto pipelined = std::make_shared<pipeline_statements>(s.statement_cache_size);

  auto check_alive = [self, conn, s, pid](const exec_request& req, attempt_result r) {
    return settle(self, *conn, s, req, std::move(r), pid);
  };
  // A script: one round trip (a pipeline), unless pre-commit hooks need a tx& inside the
  // open transaction (then tx::exec notes session changes, as for a body).
  auto script_attempt = [=](const exec_request& req, const tx_script& script) {
    const attempt_hooks script_hooks{s.hooks.get(), nullptr};
    if (has_pre_commit_hooks(script_hooks))
      return run_attempt(
          *conn, conn->link(), pid, req,
          [&](tx& t, attempt_result& out) { run_script(t, script, out); }, script_hooks,
          statements.get());
    auto r = run_pipelined(conn->native(), conn->link(), pid, req, script,
                           pipelined->on(conn->link()), script_hooks);
    r.session_changed = changes_session(script);  // the pipeline has no tx to note them
    return r;
  };
  // A body. Guarded: the blocking caller waits until the body and its hooks are done.
  const void* pool_address = caf::actor_cast<caf::abstract_actor*>(s.pool);
  auto body_attempt = [=](const exec_request& req, const local_body& body) {
    return body.state->guarded([&] {
      return run_attempt(
          *conn, conn->link(), pid, req,
          [&](tx& t, attempt_result&) {
            running_body_scope running{t, pool_address};
            (*body.state)(t);
          },
          attempt_hooks{s.hooks.get(), body.state->hooks()}, statements.get());
    });
  };
  return {[=](exec_atom, const exec_request& req, const tx_script& script) -> attempt_result {
            return check_alive(req, script_attempt(req, script));
          },
          [=](exec_atom, const exec_request& req, const local_body& body) -> attempt_result {
            return check_alive(req, body_attempt(req, body));
          },
          [=](exec_atom, const exec_request& req, const tx_script& script, const lane_ticket& t) {
            answer_lane(self, *conn, s, req, t, script_attempt(req, script), pid);
          },
          [=](exec_atom, const exec_request& req, const local_body& body, const lane_ticket& t) {
            answer_lane(self, *conn, s, req, t, body_attempt(req, body), pid);
          },
          [=](ping_atom) { return ping(self, *conn, pid); },
          [=](activity_atom, const std::vector<int32_t>& pids) {
            return current_statements(self, *conn, pids);
          }};
}

}  // namespace actortx
