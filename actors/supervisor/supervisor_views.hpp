// What the supervisor tells about the transactions running now — its own and the blocking
// lane's: the active list, the counts for the metrics, the long-running warnings. Internal.
#pragma once

#include <vector>

#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

/// Every transaction running now, oldest first (statements not filled in).
std::vector<active_tx> snapshot(sup_ptr self);
/// Counts of what runs now, for the metrics actor (cheap: no statements from the server).
active_summary summarize(sup_ptr self);
/// Logs each transaction once at warn when it runs longer than the threshold.
void warn_long_running(sup_ptr self);
/// The next tick: long-running checks need no more precision than a quarter of the threshold.
void schedule_tick(sup_ptr self);

}  // namespace actortx
