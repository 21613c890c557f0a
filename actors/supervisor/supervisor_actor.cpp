#include "actors/supervisor/supervisor_actor.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <variant>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/blocking_lane.hpp"
#include "actors/lane/lane_registry.hpp"
#include "actors/supervisor/attempt_failure.hpp"
#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/request_check.hpp"
#include "actors/supervisor/supervisor_deadline.hpp"
#include "actors/supervisor/supervisor_outcome.hpp"
#include "actors/supervisor/supervisor_procedures.hpp"
#include "actors/supervisor/supervisor_sagas.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "actors/supervisor/supervisor_views.hpp"
#include "actors/supervisor/transaction_actor.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/retry_policy.hpp"
#include "runtime/policy/script_check.hpp"

namespace actortx {

namespace {

void on_attempt(sup_ptr self, uint64_t id, attempt_result& r);

/// The attempt's connection is done with: back to the desk, or to the pool (to be checked,
/// or for a waiter).
void give_back(sup_ptr self, const idle_conn& c, bool healthy) {
  auto& st = self->state;
  if (!healthy || !st.cfg.desk->give_back(c))
    self->send(st.pool, returned_atom::value, c.handle, healthy);
}

/// An attempt on an idle connection taken from the desk: a request straight to it.
template <class Work>
void run_on(sup_ptr self, uint64_t id, const idle_conn& c, exec_request req, const Work& work) {
  self->state.txs.at(id).backend_pid = c.pid;
  auto budget = caf::timespan{req.deadline_ns - steady_now_ns()} + reply_grace;
  auto copy = req;  // for a lost attempt: its gate and number
  self->request(c.handle, budget, exec_atom::value, std::move(req), work)
      .then(
          [=](attempt_result& r) {
            give_back(self, c, r.connection_ok);
            on_attempt(self, id, r);
          },
          [=](caf::error& err) {
            give_back(self, c, false);
            auto r = lost_attempt(copy, err == caf::sec::request_timeout,
                                  self->system().render(err), c.pid);
            on_attempt(self, id, r);
          });
}

void start_attempt(sup_ptr self, uint64_t id) {
  auto& st = self->state;
  auto& e = st.txs.at(id);
  exec_request req;
  req.tx_id = id;
  req.attempt = ++e.attempts;
  req.opts = e.opts;
  req.deadline_ns = e.deadline_ns;
  e.gate = std::make_shared<attempt_gate>();
  req.gate = e.gate;
  e.attempt_running = true;
  e.backend_pid = 0;
  e.attempt_started_ns = steady_now_ns();
  if (st.cfg.desk) {
    if (auto c = st.cfg.desk->lend()) {
      std::visit([&](auto& work) { run_on(self, id, *c, std::move(req), work); }, e.work);
      return;
    }
  }
  auto handle = caf::actor_cast<supervisor_impl_actor>(self);
  auto child = std::visit(
      [&](auto& work) {
        return spawn_transaction_attempt(self, handle, st.pool, std::move(req), work,
                                         st.cfg.acquire_timeout);
      },
      e.work);
  st.children.emplace(child.address(), supervisor_state::child{id, e.attempts});
}

tx_state final_state(error_class cls, errc code) {
  if (code == errc::rolled_back) return tx_state::rolled_back;
  switch (cls) {
    case error_class::timeout:
      return tx_state::timeout;
    case error_class::in_doubt:
      return tx_state::in_doubt;
    default:
      return tx_state::failed;
  }
}

/// An attempt ended without committing: retry after backoff, or give the final answer.
void on_failed_attempt(sup_ptr self, uint64_t id, const attempt_result& r) {
  auto& st = self->state;
  auto& e = st.txs.at(id);
  const auto& rec = r.record;
  // With an idempotency key a lost COMMIT reply is resolvable: the next attempt looks the key
  // up first and reports the earlier commit instead of running the body again.
  const bool retryable = is_retryable(rec.cls) ||
                         (rec.cls == error_class::in_doubt && !e.opts.idempotency_key.empty());
  if (!retryable || !may_retry(e.opts.retry, e.attempts)) {
    auto msg = rec.message;
    if (retryable) msg = "gave up after " + std::to_string(e.attempts) + " attempts: " + msg;
    finish(self, id, final_state(rec.cls, r.code), r.code, std::move(msg));
    return;
  }
  std::uniform_real_distribution<double> u01{0.0, 1.0};
  auto delay = jittered_delay(e.opts.retry, e.attempts, u01(st.rng));
  auto resume_at = steady_now_ns() + to_ns(delay);
  if (resume_at >= e.deadline_ns) {
    // Starting an attempt we know cannot finish in time would only add load.
    finish(self, id, tx_state::timeout, errc::timeout,
           "the next retry (after " + std::to_string(delay.count()) +
               " ms backoff) would start past the deadline; last error: " + rec.message);
    return;
  }
  log().debug("tx {} attempt {} failed ({}, SQLSTATE {}), retry in {} ms", id, e.attempts,
              to_string(rec.cls), rec.sqlstate.empty() ? "-" : rec.sqlstate, delay.count());
  self->delayed_send(self, delay, retry_atom::value, id);
}

/// An attempt reported. After its deadline (COMMIT was in flight then) only its truth
/// matters: no retry.
void on_attempt(sup_ptr self, uint64_t id, attempt_result& r) {
  auto i = self->state.txs.find(id);
  if (i == self->state.txs.end()) {
    // Answered already: TIMEOUT only ever when this attempt could not commit, IN_DOUBT when
    // its COMMIT outlived the grace; say how that ended.
    if (r.committed)
      log().warn(
          "tx {} was answered IN_DOUBT (COMMIT unanswered past its deadline); its "
          "attempt {} did commit",
          id, r.record.number);
    return;
  }
  auto& e = i->second;
  if (r.record.number != e.attempts) return;  // a stale report of an earlier attempt
  e.attempt_running = false;
  e.log.push_back(r.record);
  note_attempt(e, r);
  if (r.committed) {
    e.savepoints = r.savepoints;
    e.rows = r.rows;
    auto note = r.deduplicated ? r.record.message : std::string{};
    finish(self, id, tx_state::committed, errc::sql_error, std::move(note), std::move(r.results),
           r.deduplicated);
    return;
  }
  if (e.past_deadline) {
    finish(self, id,
           final_state(r.record.cls, r.code) == tx_state::in_doubt ? tx_state::in_doubt
                                                                   : tx_state::timeout,
           r.code == errc::commit_in_doubt ? r.code : errc::timeout,
           "deadline of " + std::to_string(e.opts.timeout.count()) +
               " ms passed during the last attempt: " + r.record.message);
    return;
  }
  on_failed_attempt(self, id, r);
}

/// The deadline of `id` fires in the node's deadline queue, which only posts a message here.
void arm_deadline(sup_ptr self, uint64_t id) {
  auto& st = self->state;
  auto& e = st.txs.at(id);
  if (!st.cfg.deadlines) {
    self->delayed_send(self, caf::timespan{e.deadline_ns - steady_now_ns()}, deadline_atom::value,
                       id);
    return;
  }
  caf::actor_addr me = self->address();  // weak: a pending deadline keeps no one alive
  e.deadline_token = st.cfg.deadlines->arm(e.deadline_ns, [me, id] {
    if (auto h = caf::actor_cast<supervisor_impl_actor>(me))
      caf::anon_send(h, deadline_atom::value, id);
  });
}

/// A blocking-lane transaction whose first attempt did not commit: from here on it is ours,
/// as if that attempt had been our own.
template <class Work>
caf::result<tx_outcome> take_over(sup_ptr self, tx_options opts, Work work, lane_handover& h) {
  auto& st = self->state;
  auto rp = self->template make_response_promise<tx_outcome>();
  tx_entry e;
  e.started_ns = h.started_ns;
  e.deadline_ns = h.deadline_ns;
  e.opts = std::move(opts);
  e.work = std::move(work);
  e.rp = rp;
  e.attempts = 1;
  e.attempt_running = true;
  e.backend_pid = h.first.record.backend_pid;
  e.past_deadline = steady_now_ns() >= e.deadline_ns;
  st.txs.emplace(h.tx_id, std::move(e));
  if (!st.txs.at(h.tx_id).past_deadline) arm_deadline(self, h.tx_id);
  on_attempt(self, h.tx_id, h.first);
  return rp;
}

template <class Work>
caf::result<tx_outcome> accept(sup_ptr self, tx_options opts, Work work) {
  auto& st = self->state;
  auto id = ++*st.ids;
  auto rp = self->template make_response_promise<tx_outcome>();
  if (st.draining) {
    rp.deliver(refused(self, opts, errc::shutting_down,
                       "the runtime is shutting down: no new transactions"));
    return rp;
  }
  auto invalid = check_options(opts);
  if (!invalid.empty()) {
    tx_outcome out;
    out.id = id;
    out.label = opts.label;
    out.state = tx_state::failed;
    out.code = errc::invalid_argument;
    out.message = invalid;
    rp.deliver(std::move(out));
    return rp;
  }
  tx_entry e;
  e.started_ns = steady_now_ns();
  e.deadline_ns = e.started_ns + to_ns(opts.timeout);
  e.opts = std::move(opts);
  e.work = std::move(work);
  e.rp = rp;
  st.txs.emplace(id, std::move(e));
  arm_deadline(self, id);
  log().debug("tx {} started", id);
  start_attempt(self, id);
  return rp;
}

supervisor_impl_actor::behavior_type supervisor_fn(
    supervisor_impl_actor::stateful_pointer<supervisor_state> self, pool_actor pool,
    supervisor_settings settings) {
  auto& st = self->state;
  st.pool = std::move(pool);
  st.cfg = settings;
  st.rng.seed(settings.seed != 0 ? settings.seed : std::random_device{}());
  st.ids = settings.ids ? settings.ids : std::make_shared<std::atomic<uint64_t>>(0);
  schedule_tick(self);  // always: the lane's transactions are counted without messages
  self->set_down_handler([self](caf::down_msg& dm) {
    if (on_saga_down(self, dm)) return;
    auto& st = self->state;
    auto c = st.children.find(dm.source);
    if (c == st.children.end()) return;
    auto [id, attempt] = c->second;
    st.children.erase(c);
    auto i = st.txs.find(id);
    // Reported already; or an earlier attempt's actor, whose down message can arrive after
    // its report and after the next attempt (short backoff) has started.
    if (i == st.txs.end() || !i->second.attempt_running || i->second.attempts != attempt) return;
    // Died without a report: a failed attempt, never a hung requester.
    attempt_result r;
    r.record.number = i->second.attempts;
    r.record.backend_pid = i->second.backend_pid;
    r.record.cls = i->second.opts.read_only ? error_class::reconnect : error_class::in_doubt;
    r.record.message = "attempt actor died: " + self->system().render(dm.reason);
    r.code = errc::attempt_crashed;
    i->second.attempt_running = false;
    i->second.log.push_back(r.record);
    note_attempt(i->second, r);
    if (i->second.past_deadline) {
      finish(self, id, tx_state::in_doubt, errc::attempt_crashed, r.record.message);
      return;
    }
    on_failed_attempt(self, id, r);
  });
  self->set_default_handler(
      [self](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
        return self->state.unexpected.reject(self, x, "the actortx supervisor");
      });
  self->set_exit_handler([self](caf::exit_msg& em) {
    // Shutting down: every open request gets a truthful answer before we go.
    stop_sagas(self, em.reason);
    stop_transactions(self);
    if (self->state.cfg.lane) stop_lane(*self->state.cfg.lane, self->state.cfg.cancel.get());
    self->quit(em.reason);
  });
  return {
      [=](run_atom, tx_options& opts, tx_script& script) -> caf::result<tx_outcome> {
        auto bad = check_script(script);
        if (!bad.empty())
          return refused(self, opts, errc::invalid_argument, "malformed script: " + bad);
        return accept(self, std::move(opts), std::move(script));
      },
      [=](run_atom, tx_options& opts, procedure_call& call) -> caf::result<tx_outcome> {
        auto bound = bind_procedure(self, opts, call);
        if (auto* out = std::get_if<tx_outcome>(&bound)) return std::move(*out);
        return accept(self, std::move(opts), std::get<local_body>(std::move(bound)));
      },
      [=](run_atom, tx_options& opts, local_body& body) -> caf::result<tx_outcome> {
        return accept(self, std::move(opts), std::move(body));
      },
      [=](run_atom, tx_options& opts, tx_script& script,
          lane_handover& h) -> caf::result<tx_outcome> {
        return take_over(self, std::move(opts), std::move(script), h);
      },
      [=](run_atom, tx_options& opts, local_body& body,
          lane_handover& h) -> caf::result<tx_outcome> {
        return take_over(self, std::move(opts), std::move(body), h);
      },
      [=](leased_atom, uint64_t id, uint32_t attempt, int32_t pid) {
        auto i = self->state.txs.find(id);
        if (i != self->state.txs.end() && i->second.attempts == attempt)
          i->second.backend_pid = pid;
      },
      [=](attempt_atom, uint64_t id, attempt_result& r) { on_attempt(self, id, r); },
      [=](deadline_atom, uint64_t id) { on_deadline(self, id); },
      [=](grace_atom, uint64_t id, uint32_t attempt) { on_commit_grace(self, id, attempt); },
      [=](drain_atom) -> uint64_t {
        if (!self->state.draining) stop_sagas(self, caf::exit_reason::user_shutdown);
        self->state.draining = true;  // the log keeps the sagas for recovery
        const auto& lane = self->state.cfg.lane;
        if (lane) lane->drain();
        return self->state.txs.size() + (lane ? lane->size() : 0);
      },
      [=](retry_atom, uint64_t id) {
        if (self->state.txs.count(id) > 0) start_attempt(self, id);
      },
      [=](tick_atom) {
        auto& st = self->state;
        // Also when idle: the metrics actor must see the counts drop to zero.
        if (st.cfg.metrics) self->send(st.cfg.metrics, summary_atom::value, summarize(self));
        warn_long_running(self);
        schedule_tick(self);
      },
      [=](saga_atom, saga_request& req) -> caf::result<saga_outcome> {
        return accept_saga(self, std::move(req));
      },
      [=](sagas_atom) -> std::vector<saga_info> { return list_sagas(self); },
      [=](saga_done_atom, saga_outcome& out) { on_saga_done(self, out); },
      [=](saga_step_atom, saga_info& info) { on_saga_progress(self, info); },
      [=](recover_atom, std::string& id) { adopt_saga(self, id); },
      [=](active_atom) -> caf::result<std::vector<active_tx>> {
        auto list = snapshot(self);
        std::vector<int32_t> pids;
        for (const auto& a : list)
          if (a.backend_pid != 0) pids.push_back(a.backend_pid);
        if (pids.empty()) return list;
        // The statements come from the server: the connection threads are busy running them.
        auto rp = self->make_response_promise<std::vector<active_tx>>();
        self->request(self->state.pool, std::chrono::seconds(2), activity_atom::value,
                      std::move(pids))
            .then(
                [=](std::vector<backend_activity>& acts) mutable {
                  for (auto& a : list)
                    for (auto& b : acts)
                      if (a.backend_pid != 0 && a.backend_pid == b.pid) a.statement = b.query;
                  rp.deliver(std::move(list));
                },
                [=](caf::error& err) mutable {
                  log().warn("active transactions without statements: {}",
                             self->system().render(err));
                  rp.deliver(std::move(list));
                });
        return rp;
      },
  };
}

}  // namespace

supervisor_impl_actor spawn_supervisor(caf::actor_system& sys, pool_actor pool,
                                       supervisor_settings settings) {
  return sys.spawn(supervisor_fn, std::move(pool), settings);
}

}  // namespace actortx
