// How a runtime stops: drain (new work refused, running work given shutdown_grace), then the
// actors in reverse order of their start.
#include <thread>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/lane_registry.hpp"
#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"

namespace actortx {

void runtime::impl::drain(caf::scoped_actor& self) {
  const auto until = std::chrono::steady_clock::now() + cfg.transactions.shutdown_grace;
  uint64_t running = 0;
  for (;;) {
    running = 0;  // also when the supervisor does not answer: nothing to wait for then
    self->request(sup, std::chrono::seconds(1), drain_atom::value)
        .receive([&](uint64_t n) { running = n; },
                 [&](caf::error& err) {
                   log(log_component::runtime).warn("drain: {}", sys->render(err));
                 });
    if (running == 0 || std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (running > 0)
    log(log_component::runtime)
        .warn("shutdown: {} transaction(s) still running after the {} ms grace are stopped",
              running, cfg.transactions.shutdown_grace.count());
}

void runtime::impl::shutdown() {
  if (!sys) return;
  // A listener may hold an actor handle and send to it: none outlives the actors.
  listeners.stop_all();
  // Their handlers call into the actors below.
  http.reset();
  metrics_http.reset();
  // Another runtime's /metrics may be asking this one's metrics actor: wait for that, then
  // no more scrapes of it.
  metrics_export.reset();
  // A published actor, or one a peer holds, keeps the actor system from ending until it
  // exits (CAF 0.17): the gateway and the directory's proxies go first.
  if (gateway) caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  if (nodes) caf::anon_send_exit(nodes, caf::exit_reason::user_shutdown);
  gateway = nullptr;
  nodes = nullptr;
  if (saga_cfg && saga_cfg->nodes) {
    // The saga settings hold a handle of the directory: drop it, so nothing keeps it alive.
    auto without = std::make_shared<saga_settings>(*saga_cfg);
    without->nodes = nullptr;
    saga_cfg = std::move(without);
  }
  if (lane.running) lane.running->drain();  // the blocking lane takes nothing new
  blocking_self self{*sys};
  drain(self.get());
  self->monitor(sup);
  self->monitor(pool);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  int downs = 0;
  bool waiting = true;
  self->receive_while([&] { return waiting && downs < 2; })(
      [&](caf::down_msg&) { ++downs; },
      caf::after(std::chrono::seconds(10)) >> [&] { waiting = false; });
  sup = nullptr;
  pool = nullptr;
  if (metrics) caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
  metrics = nullptr;
}

}  // namespace actortx
