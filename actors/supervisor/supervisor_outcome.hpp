// How the supervisor answers a transaction: once, and never claiming "not committed" while an
// attempt's COMMIT is in doubt. Internal to actors/.
#pragma once

#include <string>
#include <vector>

#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

/// Answers transaction `id` and forgets it (no-op if answered already). A state that says "not
/// committed" (ROLLED_BACK, FAILED, TIMEOUT) becomes IN_DOUBT when an earlier attempt's COMMIT
/// is in doubt and nothing has shown since that it did not commit.
void finish(sup_ptr self, uint64_t id, tx_state state, errc code, std::string message,
            std::vector<result_set> results = {}, bool deduplicated = false);

/// What an attempt's result says about earlier attempts and itself: IN_DOUBT makes the
/// transaction maybe-committed; an attempt that wrote its idempotency key proves that no
/// earlier one committed.
void note_attempt(tx_entry& e, const attempt_result& r);

}  // namespace actortx
