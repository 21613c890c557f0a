// How the supervisor takes a transaction request: checked, given its deadline, then its first
// attempt; or taken over from the blocking lane after a first attempt that did not commit.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/request_check.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/failed_outcome.hpp"
#include "runtime/policy/script_check.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

caf::result<tx_outcome> supervisor_state::run(tx_options& opts, tx_script& script) {
  auto bad = check_script(script);
  if (!bad.empty()) return refused(opts, errc::invalid_argument, "malformed script: " + bad);
  return accept(std::move(opts), std::move(script));
}

caf::result<tx_outcome> supervisor_state::run(tx_options& opts, procedure_call& call) {
  auto bound = bind_procedure(opts, call);
  if (auto* out = std::get_if<tx_outcome>(&bound)) return std::move(*out);
  return accept(std::move(opts), std::get<local_body>(std::move(bound)));
}

caf::result<tx_outcome> supervisor_state::run(tx_options& opts, local_body& body) {
  return accept(std::move(opts), std::move(body));
}

caf::result<tx_outcome> supervisor_state::take_over(tx_options& opts, tx_script& script,
                                                    lane_handover& h) {
  return take_over_work(opts, std::move(script), h);
}

caf::result<tx_outcome> supervisor_state::take_over(tx_options& opts, local_body& body,
                                                    lane_handover& h) {
  return take_over_work(opts, std::move(body), h);
}

template <class Work>
caf::result<tx_outcome> supervisor_state::accept(tx_options opts, Work work) {
  auto id = ++*ids_;
  auto rp = self_->template make_response_promise<tx_outcome>();
  if (draining_) {
    rp.deliver(
        refused(opts, errc::shutting_down, "the runtime is shutting down: no new transactions"));
    return rp;
  }
  auto invalid = check_options(opts);
  if (!invalid.empty()) {
    rp.deliver(failed_outcome(opts, errc::invalid_argument, invalid, id));
    return rp;
  }
  ensure_correlation_id(opts);  // before the first attempt: every attempt carries the same
  log(log_component::supervisor).debug("{} started", name_of(id, opts));
  tx_entry e;
  e.started_ns = steady_now_ns();
  e.deadline_ns = e.started_ns + to_ns(opts.timeout);
  e.opts = std::move(opts);
  e.work = std::move(work);
  e.rp = rp;
  txs_.emplace(id, std::move(e));
  arm_deadline(id);
  start_attempt(id);
  return rp;
}

template <class Work>
caf::result<tx_outcome> supervisor_state::take_over_work(tx_options& opts, Work work,
                                                         lane_handover& h) {
  auto rp = self_->template make_response_promise<tx_outcome>();
  // The lane ran the first attempt with these options, correlation id included. Should they
  // have none, the retries and the record still get one.
  ensure_correlation_id(opts);
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
  const bool arm = !e.past_deadline;
  txs_.emplace(h.tx_id, std::move(e));
  if (arm) arm_deadline(h.tx_id);
  on_attempt(h.tx_id, h.first);
  return rp;
}

void supervisor_state::arm_deadline(uint64_t id) {
  auto& e = txs_.at(id);
  if (!cfg_.deadlines) {
    self_->delayed_send(self_, caf::timespan{e.deadline_ns - steady_now_ns()}, deadline_atom::value,
                        id);
    return;
  }
  caf::actor_addr me = self_->address();  // weak: a pending deadline keeps no one alive
  e.deadline_token = cfg_.deadlines->arm(e.deadline_ns, [me, id] {
    if (auto h = caf::actor_cast<supervisor_impl_actor>(me))
      caf::anon_send(h, deadline_atom::value, id);
  });
}

}  // namespace actortx
