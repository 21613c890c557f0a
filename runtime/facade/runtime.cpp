// The façade's lifecycle and the blocking transaction API. Booting and stopping are in
// runtime_boot.cpp / runtime_shutdown.cpp; sagas, queries and peers in runtime_*.cpp.
#include <thread>

#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/runtime.hpp>

#include "actors/pg/attempt_runner.hpp"
#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

local_body make_body(std::function<void(tx&)> fn, tx_hooks hooks) {
  std::shared_ptr<const tx_hooks> h;
  if (!hooks.empty()) h = std::make_shared<const tx_hooks>(std::move(hooks));
  return local_body{std::make_shared<body_state>(std::move(fn), std::move(h))};
}

runtime::runtime(runtime_config cfg) : runtime(std::move(cfg), saga_registry{}) {}

runtime::runtime(caf::actor_system& sys, runtime_config cfg)
    : runtime(sys, std::move(cfg), saga_registry{}) {}

runtime::runtime(runtime_config cfg, saga_registry sagas)
    : impl_(std::make_unique<impl>(std::move(cfg), std::move(sagas))) {
  // Spawning leaves this thread holding the new system's logger: let go, so that any thread
  // may destroy the runtime (blocking_self.hpp).
  release_actor_system_on_exit release;
  impl_->own_cfg = std::make_unique<caf_config>();
  auto threads = impl_->cfg.scheduler_threads != 0
                     ? impl_->cfg.scheduler_threads
                     : std::max<size_t>(1, std::thread::hardware_concurrency());
  impl_->own_cfg->set("scheduler.max-threads", threads);
  // Every transaction crosses threads four times (caller, scheduler, connection thread and
  // back). CAF's default "moderate" polling lets an idle worker sleep 50 us between looks at
  // its queue, which added ~150 us per transaction in bench/; skipping it goes straight to
  // the condition-variable wait that an enqueue wakes at once.
  impl_->own_cfg->set("work-stealing.moderate-poll-attempts", size_t{0});
  if (impl_->cfg.node.networked()) prepare_node_system(*impl_->own_cfg, impl_->cfg.node);
  impl_->own_sys = std::make_unique<caf::actor_system>(*impl_->own_cfg);
  impl_->boot(*impl_->own_sys);
  impl_->start_http(*this);
}

runtime::runtime(caf::actor_system& sys, runtime_config cfg, saga_registry sagas)
    : impl_(std::make_unique<impl>(std::move(cfg), std::move(sagas))) {
  release_actor_system_on_exit release;
  impl_->boot(sys);
  impl_->start_http(*this);
}

runtime::~runtime() {
  impl_->shutdown();
  impl_->own_sys.reset();  // waits for the connection threads to end
}

tx_outcome runtime::transact(const tx_options& opts, std::function<void(tx&)> body) {
  return transact(opts, std::move(body), tx_hooks{});
}

tx_outcome runtime::transact(const tx_options& opts, std::function<void(tx&)> body,
                             tx_hooks hooks) {
  // On a body's thread: joined as a savepoint (its hooks are the outer transaction's), or
  // refused when a separate one could deadlock (runtime_join.cpp).
  if (auto inside = inside_body(opts, body)) return std::move(*inside);
  auto work = make_body(std::move(body), std::move(hooks));
  const auto unwind = impl_->cfg.transactions.cancel_grace + std::chrono::milliseconds(250);
  tx_outcome out = run_blocking(*impl_->sys, impl_->lane, impl_->sup, opts, work);
  // The outcome may come at the deadline while the body still unwinds on its connection
  // thread; the body may capture our caller's locals by reference, so wait for it. A body
  // blocked in the database unwinds at once (its query is cancelled, its connection cut if the
  // server does not obey); one blocked in its own code cannot be stopped: say so, then wait.
  if (!work.state->wait_idle_for(unwind)) {
    log(log_component::runtime)
        .error(
            "{} was answered {} but its body still runs {} ms later, outside the "
            "database (a body blocked in its own code cannot be stopped); the caller waits "
            "for it",
            name_of(out.id, opts), to_string(out.state), unwind.count());
    work.state->wait_idle();
    log(log_component::runtime).warn("{}: its body returned", name_of(out.id, opts));
  }
  return out;
}

tx_outcome runtime::transact(std::function<void(tx&)> body) {
  return transact(impl_->cfg.transactions.defaults, std::move(body));
}

tx_outcome runtime::transact(const tx_options& opts, const tx_script& script) {
  std::vector<result_set> results;
  auto joined = inside_body(opts, [&](tx& t) {
    attempt_result r;
    run_script(t, script, r);
    results = std::move(r.results);
  });
  if (joined) {
    if (joined->ok()) joined->results = std::move(results);
    return std::move(*joined);
  }
  return run_blocking(*impl_->sys, impl_->lane, impl_->sup, opts, script);
}

supervisor_actor runtime::supervisor() const {
  return impl_->sup;
}
caf::actor_system& runtime::system() noexcept {
  return *impl_->sys;
}
const runtime_config& runtime::config() const noexcept {
  return impl_->cfg;
}
const std::string& runtime::redacted_dsn() const noexcept {
  return impl_->redacted;
}

}  // namespace actortx
