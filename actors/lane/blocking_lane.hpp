// The blocking lane: a non-actor caller's transaction goes straight to an idle connection and
// its answer straight back, so the critical path wakes two threads (the connection's, then the
// caller's) and arms its deadline in the node's deadline_queue without a message or a timer
// thread wake-up. The supervisor's design stays: its deadline_queue and canceller stop what
// runs late, it lists the lane's transactions (lane_registry) and owns retries — a first attempt
// that did not commit is handed over to it under the same id and deadline. When the lane
// cannot take a transaction (no idle connection, shutting down, invalid request) the caller
// asks the supervisor as before. Internal to actors/.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <caf/fwd.hpp>

#include "actors/lane/lane_call.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

class canceller;
class deadline_queue;
class lane_registry;
class record_outbox;

struct lane_context {
  pool_actor pool;
  std::shared_ptr<connection_desk> desk;
  std::shared_ptr<deadline_queue> deadlines;
  std::shared_ptr<canceller> cancel;
  std::shared_ptr<lane_registry> running;
  /// Transaction ids, shared with the supervisor.
  std::shared_ptr<std::atomic<uint64_t>> ids;
  metrics_actor metrics;                  // null when metrics are off
  std::shared_ptr<record_outbox> outbox;  // where records wait for the metrics actor
  std::chrono::milliseconds commit_grace{25};
};

/// What the lane did with one transaction: a final outcome, a hand-over for the supervisor,
/// or neither (the lane could not take it: ask the supervisor).
struct lane_result {
  std::optional<tx_outcome> outcome;
  std::optional<lane_handover> handover;
};

lane_result run_on_lane(const lane_context& lc, const tx_options& opts, const local_body& body);
lane_result run_on_lane(const lane_context& lc, const tx_options& opts, const tx_script& script);

/// Shutdown: every lane transaction still running is answered now — FAILED (shutting_down)
/// where COMMIT was not sent (it never will be), IN_DOUBT where it may have been.
void stop_lane(lane_registry& running, canceller* cancel);

}  // namespace actortx
