// Node-local messages of the blocking lane (actors/blocking_lane.hpp): a caller thread's
// transaction sent straight to an idle connection, and, when its first attempt did not commit,
// handed over to the supervisor. Never serialized: they hold pointers into this process.
#pragma once

#include <cstdint>
#include <memory>

#include <caf/allowed_unsafe_message_type.hpp>

#include "messages/attempt.hpp"

namespace actortx {

class lane_call;  // actors/lane_call.hpp

/// Rides with a lane attempt to its connection: where to answer, and where to go back to.
struct lane_ticket {
  std::shared_ptr<lane_call> call;
  /// Answers the caller if the message is dropped unhandled (its connection's actor is gone):
  /// destroyed with the last copy of the message, after the handler answered, if it ran.
  std::shared_ptr<void> unhandled;
};

/// A lane transaction whose first attempt did not commit: the supervisor takes it from here
/// (retries, or the final answer), under the same id and deadline.
struct lane_handover {
  uint64_t tx_id = 0;
  int64_t started_ns = 0;
  int64_t deadline_ns = 0;
  attempt_result first;
  /// The answer came from the deadline (TIMEOUT, or IN_DOUBT after the COMMIT grace), not from
  /// the connection: final.
  bool by_deadline = false;
};

}  // namespace actortx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actortx::lane_ticket)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actortx::lane_handover)
