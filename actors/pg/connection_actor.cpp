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
#include "actors/pg/statement_cache.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

/// How long a finished attempt waits for a cancel request still in flight before its
/// connection is given up instead of reused.
constexpr auto cancel_settle = std::chrono::milliseconds(200);

/// A lane attempt is over: the connection goes back to the desk (if nothing can hit its next
/// statement) before the caller is answered, so that the caller's next transaction finds it;
/// otherwise the caller is answered first and the connection settles, then goes to the pool.
void answer_lane(connection_actor::pointer self, const pg_connection& conn, const pool_actor& pool,
                 const exec_request& req, const lane_ticket& ticket, attempt_result r) {
  auto& call = *ticket.call;
  if (!conn.is_open()) r.connection_ok = false;
  const bool settled = !req.gate || req.gate->await_cancels(std::chrono::milliseconds(0));
  if (r.connection_ok && settled && call.desk->give_back(call.conn)) {
    call.answer.answer(lane_answer{std::move(r)});
    return;
  }
  bool healthy = r.connection_ok;
  const bool committed = r.committed;
  if (!call.answer.answer(lane_answer{std::move(r)}) && committed)
    log().warn(
        "{} was answered IN_DOUBT (COMMIT unanswered past its deadline); its attempt 1 "
        "did commit",
        name_of(req.tx_id, req.opts));
  if (req.gate && !req.gate->await_cancels(cancel_settle)) healthy = false;
  if (!conn.is_open()) {
    self->quit(make_error(errc::connection_lost, "connection closed"));
    return;
  }
  self->send(pool, returned_atom::value, caf::actor_cast<connection_actor>(self), healthy);
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
                                              const std::string& dsn, const pool_actor& pool,
                                              std::shared_ptr<const tx_hooks> hooks,
                                              size_t statement_cache_size) {
  // Connecting blocks, which is fine: a detached actor runs its init on its own thread.
  std::shared_ptr<pg_connection> conn;
  int32_t pid = 0;
  try {
    conn = std::make_shared<pg_connection>(dsn);
    pid = conn->backendpid();
    log().debug("connection to backend {} open", pid);
    self->send(pool, ready_atom::value, pid);
  } catch (const std::exception& e) {
    // libpq's text names host and reason, never the password. The behaviour below is never
    // used: the actor terminates after this function returns.
    self->quit(make_error(errc::connection_failed, first_line(e.what())));
  }

  // Prepared statements live as long as this connection actor: a new connection starts empty.
  auto statements = std::make_shared<statement_cache>(statement_cache_size, "ax_");
  // Pipelined scripts keep their own ("axp_"), sized alike.
  auto pipelined = std::make_shared<pipeline_statements>(statement_cache_size);

  // After an attempt that left the connection unusable, quit so that the pool replaces us.
  // A cancel request still in flight (its deadline expired the attempt) could hit the next
  // statement: wait for it here, after the caller was released, or give the connection up.
  auto check_alive = [self, conn](const exec_request& req, attempt_result r) {
    if (req.gate && !req.gate->await_cancels(cancel_settle)) r.connection_ok = false;
    if (!conn->is_open()) {
      r.connection_ok = false;  // never back to the desk: this actor quits now
      self->quit(make_error(errc::connection_lost, "connection closed"));
    }
    return r;
  };
  // A script: one round trip (a pipeline), unless pre-commit hooks need a tx& inside the
  // open transaction.
  auto script_attempt = [=](const exec_request& req, const tx_script& script) {
    const attempt_hooks script_hooks{hooks.get(), nullptr};
    if (!has_pre_commit_hooks(script_hooks))
      return run_pipelined(conn->native(), conn->link(), pid, req, script,
                           pipelined->on(conn->link()), script_hooks);
    return run_attempt(
        *conn, conn->link(), pid, req,
        [&](tx& t, attempt_result& out) { run_script(t, script, out); }, script_hooks,
        statements.get());
  };
  // A body. Guarded: the blocking caller waits until the body and its hooks are done.
  const void* pool_address = caf::actor_cast<caf::abstract_actor*>(pool);
  auto body_attempt = [=](const exec_request& req, const local_body& body) {
    return body.state->guarded([&] {
      return run_attempt(
          *conn, conn->link(), pid, req,
          [&](tx& t, attempt_result&) {
            running_body_scope running{t, pool_address};
            (*body.state)(t);
          },
          attempt_hooks{hooks.get(), body.state->hooks()}, statements.get());
    });
  };
  return {[=](exec_atom, const exec_request& req, const tx_script& script) -> attempt_result {
            return check_alive(req, script_attempt(req, script));
          },
          [=](exec_atom, const exec_request& req, const local_body& body) -> attempt_result {
            return check_alive(req, body_attempt(req, body));
          },
          [=](exec_atom, const exec_request& req, const tx_script& script, const lane_ticket& t) {
            answer_lane(self, *conn, pool, req, t, script_attempt(req, script));
          },
          [=](exec_atom, const exec_request& req, const local_body& body, const lane_ticket& t) {
            answer_lane(self, *conn, pool, req, t, body_attempt(req, body));
          },
          [=](ping_atom) { return ping(self, *conn, pid); },
          [=](activity_atom, const std::vector<int32_t>& pids) {
            return current_statements(self, *conn, pids);
          }};
}

}  // namespace actortx
