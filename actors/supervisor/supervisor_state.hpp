// The supervisor's state, shared by its transaction part (supervisor_actor.cpp) and its saga
// part (supervisor_sagas.cpp). Internal to actors/.
#pragma once

#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/supervisor/attempt_gate.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "actors/supervisor/unexpected_messages.hpp"

namespace actortx {

struct tx_entry {
  tx_options opts;
  std::variant<tx_script, local_body> work;
  caf::typed_response_promise<tx_outcome> rp;
  int64_t started_ns = 0;
  int64_t deadline_ns = 0;
  uint64_t deadline_token = 0;  // in cfg.deadlines, disarmed when answered
  uint32_t attempts = 0;
  bool attempt_running = false;
  int32_t backend_pid = 0;  // of the running attempt, once leased
  int64_t attempt_started_ns = 0;
  /// The running attempt's gate: decides, once, between its COMMIT and the deadline.
  std::shared_ptr<attempt_gate> gate;
  /// An attempt ended IN_DOUBT and no later attempt has proven it did not commit: no answer
  /// of this transaction may then claim "not committed".
  bool maybe_committed = false;
  /// The deadline passed while COMMIT was in flight: its reply decides, for a short grace.
  bool past_deadline = false;
  bool long_warned = false;  // logged once as long-running
  std::vector<attempt_record> log;
  uint32_t savepoints = 0;  // of the committed attempt, for its metrics record
  uint64_t rows = 0;
};

/// A saga this node drives now.
struct saga_entry {
  std::string type;
  std::shared_ptr<const saga_context> initial;  // for a restart before anything was logged
  saga_actor actor;
  /// The requester, if any (a recovered saga has none). Valid until delivered.
  caf::typed_response_promise<saga_outcome> rp;
  bool has_requester = false;
  saga_state state = saga_state::started;
  uint32_t step = 0;
  uint32_t restarts = 0;  // of its actor after it died
};

struct supervisor_state {
  pool_actor pool;
  supervisor_settings cfg;
  std::shared_ptr<std::atomic<uint64_t>> ids;  // shared with the blocking lane
  std::unordered_map<uint64_t, tx_entry> txs;
  struct child {
    uint64_t tx_id;
    uint32_t attempt;
  };
  std::unordered_map<caf::actor_addr, child> children;  // attempt actor -> its transaction
  std::unordered_map<std::string, saga_entry> sagas;    // by saga id
  std::unordered_map<caf::actor_addr, std::string> saga_children;  // saga actor -> saga id
  std::mt19937_64 rng;
  std::unordered_set<uint64_t> lane_warned;  // lane transactions logged as long-running
  /// Shutting down: new work is refused while running transactions finish.
  bool draining = false;
  unexpected_messages unexpected;
  static inline const char* name = "actortx.supervisor";
};

using sup_ptr = supervisor_impl_actor::stateful_pointer<supervisor_state>;

}  // namespace actortx
