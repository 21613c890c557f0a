// The supervisor's deadlines and shutdown: where an attempt is stopped for good, or its COMMIT
// given a short grace, and where the runtime drains before it stops. Internal to actors/.
#pragma once

#include <caf/fwd.hpp>

#include "actors/supervisor_state.hpp"

namespace actortx {

/// The deadline of transaction `id` passed.
void on_deadline(sup_ptr self, uint64_t id);
/// The grace for a COMMIT in flight at the deadline is over: IN_DOUBT unless it answered.
void on_commit_grace(sup_ptr self, uint64_t id, uint32_t attempt);

/// Refuse new work from now on; the promise is kept once nothing runs, or at `grace`.
caf::result<bool> start_drain(sup_ptr self, caf::timespan grace);
/// Keeps the drain promises if nothing runs any more (called after each answer).
void check_drained(sup_ptr self);
/// The drain grace is over: keep the promises with false.
void drain_expired(sup_ptr self);
/// Stopping now: every transaction is answered (FAILED shutting_down where it cannot have
/// committed, IN_DOUBT where its COMMIT is in flight) and its attempt stopped.
void stop_transactions(sup_ptr self);

}  // namespace actortx
