// The saga manager: hosts this node's sagas. Spawns and monitors one saga actor per saga,
// restarts a dead one in compensation mode, adopts the sagas saga recovery claims, answers the
// requester, lists the running sagas and records each finished one in the metrics.
#pragma once

#include <array>
#include <atomic>
#include <memory>

#include <caf/fwd.hpp>

#include <actortx/metrics.hpp>
#include <actortx/saga_registry.hpp>

#include "actors/sagas/saga_actor.hpp"
#include "messages/interfaces.hpp"

namespace actortx {

/// The sagas this node drives now, by saga_state: written by the manager as they change, read
/// without a message by the supervisor's summary for the metrics.
class saga_census {
 public:
  void enter(saga_state s) noexcept { at(s).fetch_add(1, std::memory_order_relaxed); }
  void leave(saga_state s) noexcept { at(s).fetch_sub(1, std::memory_order_relaxed); }
  void move(saga_state from, saga_state to) noexcept {
    if (from == to) return;
    leave(from);
    enter(to);
  }
  /// Adds the counts to `s.sagas_by_state`.
  void add_to(active_summary& s) const;

 private:
  static constexpr size_t states = 6;  // saga_state's values
  std::atomic<uint64_t>& at(saga_state s) noexcept {
    return by_state_[static_cast<size_t>(s) % states];
  }
  std::array<std::atomic<uint64_t>, states> by_state_{};
};

struct saga_manager_settings {
  /// The saga types this node can run and resume (empty registry: none).
  std::shared_ptr<const saga_registry> sagas;
  std::shared_ptr<const saga_settings> saga;
  /// Receives one record per finished saga; none when metrics are off.
  metrics_actor metrics;
  /// Where the manager counts its sagas; may be null.
  std::shared_ptr<saga_census> census;
  /// Sagas driven at once; more wait in order as compact entries (no actor yet).
  size_t max_running = 1000;
};

/// Spawns the saga manager of the supervisor `home` and, before returning, hands it to `home`
/// (saga requests go to it from then on). Its saga actors' transactions go to `home`. On
/// (drain_atom) it stops its sagas (they stay in the log for recovery) and takes no new ones;
/// when `home` goes down it stops them too, and ends.
saga_manager_actor spawn_saga_manager(caf::actor_system& sys, supervisor_impl_actor home,
                                      saga_manager_settings settings);

}  // namespace actortx
