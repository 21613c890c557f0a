// Recovery of sagas whose node went away: claims them from the log and hands them to the saga
// manager; also keeps the leases of the sagas this node drives fresh.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/sagas/saga_actor.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

struct saga_recovery_settings {
  /// Between claim rounds (the first runs at start-up and takes back this node's own sagas).
  std::chrono::milliseconds interval{10000};
  /// Sagas claimed per round (another round follows at once when the batch was full).
  size_t batch = 100;
  /// A saga of a type and version no node claims is FAILED this long after its lease expired.
  std::chrono::milliseconds unknown_version_grace{3600000};
  /// Set (once, never cleared) when a claim round after start-up found nothing more to claim:
  /// the orphans and this node's own sagas of the log are taken up (readiness, /readyz).
  /// Null: nobody asks.
  std::shared_ptr<std::atomic<bool>> caught_up;
};

/// Its claims and lease renewals are transactions of the supervisor `home` (it ends with it);
/// the sagas it claims go to `host`, which also says which sagas this node drives.
saga_recovery_actor spawn_saga_recovery(caf::actor_system& sys, supervisor_actor home,
                                        saga_manager_actor host,
                                        std::shared_ptr<const saga_registry> registry,
                                        std::shared_ptr<const saga_settings> settings,
                                        saga_recovery_settings recovery);

}  // namespace actortx
