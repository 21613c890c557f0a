// A saga stopping short of its end: an operator's cancel or its deadline. The step in flight
// finishes first (its transaction's deadline never reaches past the saga's, and a step on the
// log's database cannot commit after a cancel), then the saga compensates what ran.
#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/sagas/saga_requests.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx::saga_impl {

bool deadline_passed(const saga_actor_state& st) {
  return st.deadline_ns != 0 && steady_now_ns() >= st.deadline_ns;
}

void stop_at_deadline(saga_ptr self) {
  request_stop(self, errc::timeout, "the saga's deadline passed");
}

void log_deadline_event(saga_ptr self, const std::function<void()>& then) {
  auto& st = self->state;
  tx_script s;
  s.add(
      "INSERT INTO actortx.saga_event (saga_id, by, action, reason) SELECT $1, $2, 'deadline', $3 "
      "WHERE EXISTS (SELECT 1 FROM actortx.saga WHERE id = $1)",
      st.args.id, "node:" + settings(self).node_id, st.stop_reason);
  // The event is for people; the compensation goes on whether or not it was written.
  run_tx(self, st.home, settings(self).log_options, std::move(s), [=](const tx_outcome& out) {
    if (!out.committed())
      log(log_component::saga)
          .warn("saga {}: the deadline's history row was not written: {}", self->state.args.id,
                out.message);
    then();
  });
}

void request_stop(saga_ptr self, errc code, std::string why) {
  auto& st = self->state;
  if (!st.stop_reason.empty() || st.state == saga_state::compensating || is_final(st.state)) return;
  log(log_component::saga)
      .info("saga {} [{}]: {}; compensating after the step in flight", st.args.id, st.args.type,
            why);
  st.stop_reason = std::move(why);
  st.stop_code = code;
}

void arm_deadline(saga_ptr self) {
  auto& st = self->state;
  if (st.deadline_ns == 0) return;
  auto left = std::chrono::nanoseconds{std::max<int64_t>(0, st.deadline_ns - steady_now_ns())};
  self->delayed_send(self, left, deadline_atom::value);
}

bool stop_if_requested(saga_ptr self, size_t top_plus_one) {
  auto& st = self->state;
  if (st.stop_reason.empty() && deadline_passed(st)) stop_at_deadline(self);
  if (st.stop_reason.empty()) return false;
  st.error = st.stop_reason;
  st.code = st.stop_code;
  progress(self, saga_state::compensating);
  start_compensation(self, top_plus_one);
  return true;
}

int64_t deadline_ms_from_now(int64_t deadline_ns) {
  if (deadline_ns == 0) return -1;
  return std::max<int64_t>(0, (deadline_ns - steady_now_ns()) / 1000000);
}

}  // namespace actortx::saga_impl
