// How the blocking API waits for an answer: a request bounded by the deadline plus the reply
// grace, and what a missing answer means (never "not committed" when it may have committed).
#pragma once

#include <string>

#include <caf/all.hpp>

#include <actortx/runtime.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/trace_context.hpp>
#include <actortx/tx_outcome.hpp>

#include "actors/lane/blocking_lane.hpp"
#include "messages/interfaces.hpp"
#include "messages/reply_timeout.hpp"
#include "runtime/facade/blocking_self.hpp"

namespace actortx {

/// The outcome of a request that got a caf::error instead of an answer: FAILED when it never
/// reached a living supervisor, IN_DOUBT when it may have run (no answer at all).
tx_outcome outcome_from_error(caf::actor_system& sys, const caf::error& err,
                              const tx_options& opts);

/// A request to `where`, answered within the deadline + reply_grace.
template <class Handle, class Work, class... Extra>
tx_outcome ask(caf::actor_system& sys, const Handle& where, const tx_options& opts,
               const Work& work, const Extra&... extra) {
  tx_outcome out;
  blocking_self self{sys};
  self->request(where, reply_timeout(opts), run_atom::value, opts, work, extra...)
      .receive([&](tx_outcome& o) { out = std::move(o); },
               [&](caf::error& err) { out = outcome_from_error(sys, err, opts); });
  return out;
}

/// The blocking lane first (two thread hand-offs); the supervisor takes over a first attempt
/// that did not commit, and takes what the lane cannot (no idle connection, shutting down).
template <class Work>
tx_outcome run_blocking(caf::actor_system& sys, const lane_context& lane,
                        const supervisor_impl_actor& sup, const tx_options& opts,
                        const Work& work) {
  // One correlation id for every attempt, the lane's first among them: made here when the
  // caller gave none (the supervisor keeps the one it is handed).
  if (opts.correlation_id.empty()) {
    tx_options traced = opts;
    traced.correlation_id = new_traceparent();
    return run_blocking(sys, lane, sup, traced, work);
  }
  auto r = run_on_lane(lane, opts, work);
  if (r.outcome) return std::move(*r.outcome);
  if (r.handover) return ask(sys, sup, opts, work, *r.handover);
  return ask(sys, sup, opts, work);
}

/// Asks `where` and returns its answer of type T; query_error naming `what` and the cause when
/// none comes within `timeout` (the façade's queries: one error style, see runtime.hpp).
template <class T, class Handle, class... Ts>
T query(caf::actor_system& sys, const Handle& where, caf::timespan timeout, const char* what,
        Ts&&... xs) {
  T out{};
  std::string failure;
  blocking_self self{sys};
  self->request(where, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); },
               [&](caf::error& err) { failure = sys.render(err); });
  if (!failure.empty()) throw query_error(std::string{what} + ": no answer: " + failure);
  return out;
}

}  // namespace actortx
