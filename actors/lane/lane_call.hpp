// One blocking-lane transaction as its connection thread, its deadline and its caller see it.
// Internal to actors/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "actors/lane/answer_slot.hpp"
#include "actors/pool/idle_desk.hpp"
#include "messages/attempt.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

class attempt_gate;

/// Whether a connection that must retire at `retire_at_ns` (0: never) is past it.
inline bool past_retirement(int64_t retire_at_ns, int64_t now_ns) noexcept {
  return retire_at_ns != 0 && now_ns >= retire_at_ns;
}

/// An idle connection as the desk lends it.
struct idle_conn {
  connection_actor handle;
  int32_t pid = 0;
  /// Steady-clock time past which it must not go back to the desk (pool-max-lifetime, with
  /// jitter), but to the pool, which closes it; 0: never.
  int64_t retire_at_ns = 0;
  /// Since when it is idle (pool-idle-timeout).
  int64_t idle_since_ns = 0;

  bool expired(int64_t now_ns) const noexcept { return past_retirement(retire_at_ns, now_ns); }
};

using connection_desk = idle_desk<idle_conn>;

/// What the caller of a lane transaction gets.
struct lane_answer {
  attempt_result result;
  /// The deadline or shutdown answered, not the connection: `final_state` is the answer.
  bool decided = false;
  tx_state final_state = tx_state::failed;
};

struct lane_call {
  uint64_t tx_id = 0;
  std::string label;
  std::string saga_id;  // for its long-running warning
  int64_t started_ns = 0;
  std::shared_ptr<attempt_gate> gate;
  /// The connection's result, or the deadline's TIMEOUT / IN_DOUBT: the first one counts.
  answer_slot<lane_answer> answer;
  /// Where the connection goes back after the attempt, and whose it is.
  std::shared_ptr<connection_desk> desk;
  idle_conn conn;
};

}  // namespace actortx
