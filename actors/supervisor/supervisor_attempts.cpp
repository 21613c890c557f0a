// The supervisor's attempts: each on an idle connection straight from the desk, or through a
// monitored transaction actor that leases one; their reports; retries after backoff.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/supervisor/attempt_failure.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "actors/supervisor/transaction_actor.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/retry_policy.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

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

}  // namespace

void supervisor_state::give_back(const idle_conn& c, bool healthy) {
  // To be checked, or for a waiter: the pool decides.
  if (!healthy || !cfg_.desk->give_back(c))
    self_->send(pool_, returned_atom::value, c.handle, healthy);
}

template <class Work>
void supervisor_state::run_on_idle(uint64_t id, const idle_conn& c, exec_request req,
                                   const Work& work) {
  txs_.at(id).backend_pid = c.pid;
  auto budget = caf::timespan{req.deadline_ns - steady_now_ns()} + reply_grace;
  auto copy = req;  // for a lost attempt: its gate and number
  auto self = self_;
  self_->request(c.handle, budget, exec_atom::value, std::move(req), work)
      .then(
          [=](attempt_result& r) {
            self->state.give_back(c, r.connection_ok);
            self->state.on_attempt(id, r);
          },
          [=](caf::error& err) {
            self->state.give_back(c, false);
            auto r = lost_attempt(copy, err == caf::sec::request_timeout,
                                  self->system().render(err), c.pid);
            self->state.on_attempt(id, r);
          });
}

void supervisor_state::start_attempt(uint64_t id) {
  auto& e = txs_.at(id);
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
  if (cfg_.desk) {
    // An idle connection taken straight from the desk: no actor spawned, no pool round trip.
    if (auto c = cfg_.desk->lend()) {
      std::visit([&](auto& work) { run_on_idle(id, *c, std::move(req), work); }, e.work);
      return;
    }
  }
  auto handle = caf::actor_cast<supervisor_impl_actor>(self_);
  auto attempt_actor = std::visit(
      [&](auto& work) {
        return spawn_transaction_attempt(self_, handle, pool_, std::move(req), work,
                                         cfg_.acquire_timeout);
      },
      e.work);
  children_.emplace(attempt_actor.address(), child{id, e.attempts});
}

void supervisor_state::on_leased(uint64_t id, uint32_t attempt, int32_t pid) {
  auto i = txs_.find(id);
  if (i != txs_.end() && i->second.attempts == attempt) i->second.backend_pid = pid;
}

void supervisor_state::on_retry(uint64_t id) {
  if (txs_.count(id) > 0) start_attempt(id);
}

void supervisor_state::on_attempt(uint64_t id, attempt_result& r) {
  auto i = txs_.find(id);
  if (i == txs_.end()) {
    // Answered already: TIMEOUT only ever when this attempt could not commit, IN_DOUBT when
    // its COMMIT outlived the grace; say how that ended.
    if (r.committed)
      log(log_component::supervisor)
          .warn(
              "tx {} was answered IN_DOUBT (COMMIT unanswered past its deadline); its "
              "attempt {} did commit",
              id, r.record.number);
    return;
  }
  auto& e = i->second;
  if (r.record.number != e.attempts) return;  // a stale report of an earlier attempt
  e.attempt_running = false;
  r.record.code = r.committed ? errc::none : r.code;
  e.log.push_back(r.record);
  note_attempt(e, r);
  if (r.committed) {
    e.savepoints = r.savepoints;
    e.rows = r.rows;
    auto note = r.deduplicated ? r.record.message : std::string{};
    return finish(id, tx_state::committed, errc::none, std::move(note), std::move(r.results),
                  r.deduplicated);
  }
  if (!e.past_deadline) return on_failed_attempt(id, r);
  const bool in_doubt = final_state(r.record.cls, r.code) == tx_state::in_doubt;
  finish(id, in_doubt ? tx_state::in_doubt : tx_state::timeout,
         r.code == errc::commit_in_doubt ? r.code : errc::timeout,
         "deadline of " + std::to_string(e.opts.timeout.count()) +
             " ms passed during the last attempt: " + r.record.message);
}

void supervisor_state::on_failed_attempt(uint64_t id, const attempt_result& r) {
  auto& e = txs_.at(id);
  const auto& rec = r.record;
  // With an idempotency key a lost COMMIT reply is resolvable: the next attempt looks the key
  // up first and reports the earlier commit instead of running the body again.
  const bool retryable = is_retryable(rec.cls) ||
                         (rec.cls == error_class::in_doubt && !e.opts.idempotency_key.empty());
  if (!retryable || !may_retry(e.opts.retry, e.attempts)) {
    auto msg = rec.message;
    if (retryable) msg = "gave up after " + std::to_string(e.attempts) + " attempts: " + msg;
    return finish(id, final_state(rec.cls, r.code), r.code, std::move(msg));
  }
  std::uniform_real_distribution<double> u01{0.0, 1.0};
  auto delay = jittered_delay(e.opts.retry, e.attempts, u01(rng_));
  if (steady_now_ns() + to_ns(delay) >= e.deadline_ns) {
    // Starting an attempt we know cannot finish in time would only add load.
    return finish(id, tx_state::timeout, errc::timeout,
                  "the next retry (after " + std::to_string(delay.count()) +
                      " ms backoff) would start past the deadline; last error: " + rec.message);
  }
  log(log_component::supervisor)
      .debug("{} attempt {} failed ({}, SQLSTATE {}), retry in {} ms", name_of(id, e.opts),
             e.attempts, to_string(rec.cls), rec.sqlstate.empty() ? "-" : rec.sqlstate,
             delay.count());
  self_->delayed_send(self_, delay, retry_atom::value, id);
}

void supervisor_state::on_down(const caf::down_msg& dm) {
  auto c = children_.find(dm.source);
  if (c == children_.end()) return;
  auto [id, attempt] = c->second;
  children_.erase(c);
  auto i = txs_.find(id);
  // Reported already; or an earlier attempt's actor, whose down message can arrive after
  // its report and after the next attempt (short backoff) has started.
  if (i == txs_.end() || !i->second.attempt_running || i->second.attempts != attempt) return;
  auto& e = i->second;
  attempt_result r;
  r.record.number = e.attempts;
  r.record.backend_pid = e.backend_pid;
  r.record.cls = e.opts.read_only ? error_class::reconnect : error_class::in_doubt;
  r.record.message = "attempt actor died: " + self_->system().render(dm.reason);
  r.code = errc::attempt_crashed;
  r.record.code = r.code;
  e.attempt_running = false;
  e.log.push_back(r.record);
  note_attempt(e, r);
  if (e.past_deadline)
    return finish(id, tx_state::in_doubt, errc::attempt_crashed, r.record.message);
  on_failed_attempt(id, r);
}

}  // namespace actortx
