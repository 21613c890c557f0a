// One saga: runs its steps in order (each a transaction through a supervisor), compensates the
// completed ones in reverse when a step fails, and keeps the durable log in step with it. An
// ordinary client of the supervisor; it reports to the saga manager that spawned it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include <actortx/saga_registry.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

/// Node-wide saga settings (shared by all saga actors of a runtime).
struct saga_settings {
  /// This node's name in the log's owner column. Stable across restarts, so that a restarted
  /// node takes back its own sagas at once instead of waiting for their leases to expire.
  std::string node_id;
  /// How long an owner's claim lasts without renewal.
  std::chrono::milliseconds lease{30000};
  /// Options of the log's own transactions (writes, loads, fences).
  tx_options log_options;
  /// Options of steps that set none.
  tx_options step_defaults;
  /// Peer nodes, for steps that name one (step_options::node); null: not networked.
  node_directory_actor nodes;
  std::chrono::milliseconds connect_timeout{5000};
};

enum class saga_start : uint8_t {
  fresh,       ///< a new saga: run from step 0
  recover,     ///< claimed from the log: resume (forward if the type allows) or compensate
  compensate,  ///< the saga's actor died: compensate what the log says ran
};

struct saga_args {
  std::string id;
  std::string type;
  /// Initial context (fresh, or no log row yet), shared with the saga manager's entry. Null:
  /// empty. A fresh saga's context holds its id under saga_id_key.
  std::shared_ptr<const saga_context> context;
  /// The node's saga types; the type is looked up in it (after loading, when recovering).
  std::shared_ptr<const saga_registry> registry;
  saga_start mode = saga_start::fresh;
  std::shared_ptr<const saga_settings> settings;
  /// A fresh saga's version of its type (0: the newest); a resumed one's comes from the log.
  uint32_t version = 0;
  /// A fresh saga's deadline on the steady clock (ns, runtime/policy/clock.hpp); 0: none. A
  /// resumed saga's comes from the log.
  int64_t deadline_ns = 0;
  /// The saga's traceparent (saga_options::correlation_id, or made by the saga manager); its
  /// transactions run under children of it. Empty when claimed by recovery: the saga row's
  /// trace id is read back with the rest of the log.
  std::string correlation_id;
};

/// Spawns the saga actor, monitored by the saga manager `host` (`host_handle` is its handle:
/// where progress and the outcome go, as saga_step_atom and saga_done_atom). Its transactions,
/// the log's among them, are run_atom requests to the supervisor `home` (the log's database).
saga_actor spawn_saga(caf::local_actor* host, saga_manager_actor host_handle, supervisor_actor home,
                      saga_args args);

}  // namespace actortx
