// The supervisor's deadlines and shutdown: where an attempt is stopped for good, or its COMMIT
// given a short grace. Internal to actors/.
#pragma once

#include <caf/fwd.hpp>

#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

/// The deadline of transaction `id` passed.
void on_deadline(sup_ptr self, uint64_t id);
/// The grace for a COMMIT in flight at the deadline is over: IN_DOUBT unless it answered.
void on_commit_grace(sup_ptr self, uint64_t id, uint32_t attempt);

/// Stopping now: every transaction is answered (FAILED shutting_down where it cannot have
/// committed, IN_DOUBT where its COMMIT is in flight) and its attempt stopped.
void stop_transactions(sup_ptr self);

}  // namespace actortx
