// The saga operator: answers list / look-up / retry / cancel (<actortx/saga_operations.hpp>)
// from the saga log, through the supervisor's transactions (never blocking a scheduler
// thread). The supervisor delegates the operator's messages to it, so a runtime, another node
// and the actortx-saga tool all reach it the same way.
#pragma once

#include <memory>

#include <caf/fwd.hpp>

#include "actors/sagas/saga_actor.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

struct saga_operator_settings {
  /// Options of the log's transactions (labels and read-only set per command).
  std::shared_ptr<const saga_settings> saga;
  /// Told of an accepted cancel, so a saga this node drives hears of it at once.
  saga_manager_actor host;
  /// Asked to claim now after an accepted retry (or cancel of a FAILED saga); null when this
  /// node has no saga types (another node takes the saga up).
  saga_recovery_actor recovery;
};

/// Spawns the operator of supervisor `home` and hands it to `home` (saga_ops_atom) before
/// returning. It ends with `home`. Errors: errc::invalid_argument for a bad filter or id (the
/// text names what is wrong), the log transaction's own errc when the log cannot be read.
saga_operator_actor spawn_saga_operator(caf::actor_system& sys, supervisor_impl_actor home,
                                        saga_operator_settings settings);

}  // namespace actortx
