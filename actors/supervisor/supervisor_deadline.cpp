#include "actors/supervisor/supervisor_deadline.hpp"

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/pg/canceller.hpp"
#include "actors/supervisor/deadline_text.hpp"
#include "actors/supervisor/supervisor_outcome.hpp"
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

/// Stops the running attempt before COMMIT if it can. Returns what the gate was found in:
/// expired (stopped: it will never commit), or committing / finished (its reply decides).
phase stop_attempt(sup_ptr self, tx_entry& e, const char* why) {
  if (!e.attempt_running || !e.gate) return phase::expired;  // between attempts
  auto found = e.gate->expire();
  if (found != phase::expired) return found;
  log_expired_attempt(e, why);
  if (self->state.cfg.cancel) self->state.cfg.cancel->cancel(e.gate);
  return found;
}

}  // namespace

void on_deadline(sup_ptr self, uint64_t id) {
  auto& st = self->state;
  auto i = st.txs.find(id);
  if (i == st.txs.end()) return;  // finished in time
  auto& e = i->second;
  auto found = stop_attempt(self, e, "deadline reached while running");
  if (found != phase::expired) {
    // COMMIT may have reached the server, or the attempt's result is on its way: TIMEOUT
    // would be a lie if it committed. Its reply decides, for a short grace.
    e.past_deadline = true;
    self->delayed_send(self, st.cfg.commit_grace, grace_atom::value, id, e.attempts);
    return;
  }
  finish(self, id, tx_state::timeout, errc::timeout,
         deadline_reached_text(e.opts.timeout, e.attempts));
}

void on_commit_grace(sup_ptr self, uint64_t id, uint32_t attempt) {
  auto& st = self->state;
  auto i = st.txs.find(id);
  if (i == st.txs.end() || i->second.attempts != attempt) return;  // its reply came in time
  auto& e = i->second;
  // The blocking caller waits for the attempt to unwind: a COMMIT the server never answers
  // must not hold it (or the connection's thread) for ever.
  if (st.cfg.cancel && e.gate) st.cfg.cancel->cut(e.gate);
  finish(self, id, tx_state::in_doubt, errc::commit_in_doubt,
         commit_unanswered_text(e.opts.timeout, st.cfg.commit_grace));
}

void stop_transactions(sup_ptr self) {
  auto& st = self->state;
  std::vector<uint64_t> ids;
  for (auto& kv : st.txs) ids.push_back(kv.first);
  for (auto id : ids) {
    auto& e = st.txs.at(id);
    if (stop_attempt(self, e, "stopped: the runtime is shutting down") == phase::expired) {
      finish(self, id, tx_state::failed, errc::shutting_down, shutdown_not_committed_text);
      continue;
    }
    if (st.cfg.cancel && e.gate) st.cfg.cancel->cut(e.gate);
    finish(self, id, tx_state::in_doubt, errc::shutting_down, shutdown_in_doubt_text);
  }
}

}  // namespace actortx
