// The supervisor's deadlines and shutdown: where an attempt is stopped for good, or its COMMIT
// given a short grace.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/pg/canceller.hpp"
#include "actors/supervisor/deadline_text.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

using phase = attempt_gate::phase;

/// The running attempt, expired by the deadline or by shutdown, goes into the attempt log.
void log_expired_attempt(tx_entry& e, const char* why) {
  attempt_record rec;
  rec.number = e.attempts;
  rec.cls = error_class::timeout;
  rec.backend_pid = e.backend_pid;
  rec.message = why;
  rec.duration = std::chrono::microseconds{(steady_now_ns() - e.attempt_started_ns) / 1000};
  e.log.push_back(std::move(rec));
}

}  // namespace

/// Expired: stopped, it will never commit. Committing or finished: its reply decides.
phase supervisor_state::stop_attempt(tx_entry& e, const char* why) {
  if (!e.attempt_running || !e.gate) return phase::expired;  // between attempts
  auto found = e.gate->expire();
  if (found != phase::expired) return found;
  log_expired_attempt(e, why);
  if (cfg_.cancel) cfg_.cancel->cancel(e.gate);
  return found;
}

void supervisor_state::on_deadline(uint64_t id) {
  auto i = txs_.find(id);
  if (i == txs_.end()) return;  // finished in time
  auto& e = i->second;
  auto found = stop_attempt(e, "deadline reached while running");
  if (found != phase::expired) {
    // COMMIT may have reached the server, or the attempt's result is on its way: TIMEOUT
    // would be a lie if it committed. Its reply decides, for a short grace.
    e.past_deadline = true;
    self_->delayed_send(self_, cfg_.commit_grace, grace_atom::value, id, e.attempts);
    return;
  }
  finish(id, tx_state::timeout, errc::timeout, deadline_reached_text(e.opts.timeout, e.attempts));
}

void supervisor_state::on_commit_grace(uint64_t id, uint32_t attempt) {
  auto i = txs_.find(id);
  if (i == txs_.end() || i->second.attempts != attempt) return;  // its reply came in time
  auto& e = i->second;
  // The blocking caller waits for the attempt to unwind: a COMMIT the server never answers
  // must not hold it (or the connection's thread) for ever.
  if (cfg_.cancel && e.gate) cfg_.cancel->cut(e.gate);
  finish(id, tx_state::in_doubt, errc::commit_in_doubt,
         commit_unanswered_text(e.opts.timeout, cfg_.commit_grace));
}

void supervisor_state::stop_transactions() {
  std::vector<uint64_t> ids;
  for (auto& kv : txs_) ids.push_back(kv.first);
  for (auto id : ids) {
    auto& e = txs_.at(id);
    if (stop_attempt(e, "stopped: the runtime is shutting down") == phase::expired) {
      finish(id, tx_state::failed, errc::shutting_down, shutdown_not_committed_text);
      continue;
    }
    if (cfg_.cancel && e.gate) cfg_.cancel->cut(e.gate);
    finish(id, tx_state::in_doubt, errc::shutting_down, shutdown_in_doubt_text);
  }
}

}  // namespace actortx
