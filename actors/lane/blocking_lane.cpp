#include "actors/lane/blocking_lane.hpp"

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/lane_registry.hpp"
#include "actors/lane/record_outbox.hpp"
#include "actors/pg/canceller.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/deadline_text.hpp"
#include "actors/supervisor/request_check.hpp"
#include "runtime/observability/metrics_records.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/script_check.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

using phase = attempt_gate::phase;

/// The deadline's (or shutdown's) answer: final, with the expired attempt in the log.
lane_answer decided(const lane_call& call, tx_state state, errc code, std::string message) {
  lane_answer a;
  a.decided = true;
  a.final_state = state;
  auto& r = a.result;
  r.code = code;
  r.record.number = 1;
  r.record.cls = state == tx_state::in_doubt ? error_class::in_doubt : error_class::timeout;
  r.record.backend_pid = call.conn.pid;
  r.record.message = std::move(message);
  r.record.duration = std::chrono::microseconds{(steady_now_ns() - call.started_ns) / 1000};
  return a;
}

/// Runs on the deadline_queue's thread: quick, never blocks (the canceller sends the cancel).
void on_deadline(const std::shared_ptr<lane_call>& call, const std::shared_ptr<canceller>& cancel,
                 const std::weak_ptr<deadline_queue>& queue, std::chrono::milliseconds grace,
                 std::chrono::milliseconds timeout) {
  if (call->gate->expire() == phase::expired) {
    if (cancel) cancel->cancel(call->gate);
    call->answer.answer(
        decided(*call, tx_state::timeout, errc::timeout, deadline_reached_text(timeout, 1)));
    return;
  }
  // COMMIT may be on its way, or the result is: its reply decides, for a short grace.
  auto q = queue.lock();
  if (!q) return;
  q->arm(steady_now_ns() + to_ns(grace), [call, cancel, grace, timeout] {
    if (call->answer.answered()) return;
    // The caller waits for the body to unwind: a COMMIT never answered must not hold it.
    if (cancel) cancel->cut(call->gate);
    call->answer.answer(decided(*call, tx_state::in_doubt, errc::commit_in_doubt,
                                commit_unanswered_text(timeout, grace)));
  });
}

/// The attempt's message was dropped without being handled (its connection's actor died):
/// nothing was sent if the attempt never started; otherwise COMMIT may have been.
void answer_unhandled(lane_call& call) {
  if (call.answer.answered()) return;
  lane_answer a;
  auto& r = a.result;
  r.record.number = 1;
  r.record.backend_pid = call.conn.pid;
  r.connection_ok = false;
  if (call.gate->expire() == phase::expired) {
    r.code = errc::connection_lost;
    r.record.cls = error_class::reconnect;
    r.record.message = "the connection's actor was gone before the attempt started; nothing sent";
  } else {
    r.code = errc::attempt_crashed;
    r.record.cls = error_class::in_doubt;
    r.record.message = "the connection's actor ended without answering: it may have committed";
  }
  call.answer.answer(std::move(a));
}

tx_outcome final_outcome(const lane_call& call, const tx_options& opts, lane_answer& a) {
  auto& r = a.result;
  tx_outcome out;
  out.id = call.tx_id;
  out.label = opts.label;
  out.attempts = 1;
  out.state = r.committed ? tx_state::committed : a.final_state;
  out.code = r.committed ? errc::none : r.code;
  out.sqlstate = r.record.sqlstate;
  out.message = r.committed && !r.deduplicated ? std::string{} : r.record.message;
  out.deduplicated = r.deduplicated;
  out.results = std::move(r.results);
  r.record.code = r.committed ? errc::none : r.code;  // as the supervisor logs its attempts
  out.attempt_log.push_back(r.record);
  out.duration = std::chrono::microseconds{(steady_now_ns() - call.started_ns) / 1000};
  if (out.state == tx_state::committed)
    log(log_component::supervisor).debug("{} committed after 1 attempt(s)", name_of(out.id, opts));
  else
    log(log_component::supervisor)
        .warn("{} {} after 1 attempt(s): {} (SQLSTATE {})", name_of(out.id, opts),
              to_string(out.state), out.message, out.sqlstate.empty() ? "-" : out.sqlstate);
  return out;
}

bool can_take(const tx_options& opts, const local_body&) {
  return check_options(opts).empty();
}
bool can_take(const tx_options& opts, const tx_script& script) {
  return check_options(opts).empty() && check_script(script).empty();
}

template <class Work>
lane_result run_impl(const lane_context& lc, const tx_options& opts, const Work& work) {
  lane_result res;
  if (lc.running->draining() || !can_take(opts, work)) return res;
  auto conn = lc.desk->lend();
  if (!conn) return res;
  auto call = std::make_shared<lane_call>();
  call->tx_id = ++*lc.ids;
  call->label = opts.label;
  call->saga_id = opts.saga_id;
  call->started_ns = steady_now_ns();
  call->gate = std::make_shared<attempt_gate>();
  call->desk = lc.desk;
  call->conn = *conn;
  if (!lc.running->add(call)) {  // shutdown began just now
    if (!lc.desk->give_back(*conn))
      caf::anon_send(lc.pool, returned_atom::value, conn->handle, true);
    return res;
  }
  exec_request req;
  req.tx_id = call->tx_id;
  req.attempt = 1;
  req.opts = opts;
  req.deadline_ns = call->started_ns + to_ns(opts.timeout);
  req.gate = call->gate;
  std::weak_ptr<deadline_queue> queue = lc.deadlines;
  auto token = lc.deadlines->arm(
      req.deadline_ns,
      [call, cancel = lc.cancel, queue, grace = lc.commit_grace, timeout = opts.timeout] {
        on_deadline(call, cancel, queue, grace, timeout);
      });
  // If the connection's actor is gone, CAF drops the message: the ticket's guard answers then.
  std::shared_ptr<void> unhandled{nullptr, [weak = std::weak_ptr<lane_call>{call}](void*) {
                                    if (auto c = weak.lock()) answer_unhandled(*c);
                                  }};
  caf::anon_send(conn->handle, exec_atom::value, std::move(req), work,
                 lane_ticket{call, std::move(unhandled)});
  auto answer = call->answer.take();
  lc.deadlines->disarm(token);
  lc.running->remove(call->tx_id);
  if (answer.result.committed || answer.decided) {
    res.outcome = final_outcome(*call, opts, answer);
    if (lc.metrics && lc.outbox &&
        lc.outbox->push(make_tx_record(*res.outcome, opts, answer.result.savepoints,
                                       answer.result.rows, unix_now_us())))
      caf::anon_send(lc.metrics, outbox_atom::value);
    return res;
  }
  lane_handover h;
  h.tx_id = call->tx_id;
  h.started_ns = call->started_ns;
  h.deadline_ns = call->started_ns + to_ns(opts.timeout);
  h.first = std::move(answer.result);
  res.handover = std::move(h);
  return res;
}

}  // namespace

lane_result run_on_lane(const lane_context& lc, const tx_options& opts, const local_body& body) {
  return run_impl(lc, opts, body);
}

lane_result run_on_lane(const lane_context& lc, const tx_options& opts, const tx_script& script) {
  return run_impl(lc, opts, script);
}

void stop_lane(lane_registry& running, canceller* cancel) {
  running.drain();
  for (const auto& call : running.list()) {
    if (call->gate->expire() == phase::expired) {
      if (cancel) cancel->cancel(call->gate);
      call->answer.answer(
          decided(*call, tx_state::failed, errc::shutting_down, shutdown_not_committed_text));
      continue;
    }
    if (cancel) cancel->cut(call->gate);
    call->answer.answer(
        decided(*call, tx_state::in_doubt, errc::shutting_down, shutdown_in_doubt_text));
  }
}

}  // namespace actortx
