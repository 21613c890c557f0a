// The façade's scoped_actor, which lets go of its actor system when it ends. CAF 0.17 keeps per
// thread a reference to the logger of the actor system that thread last spawned an actor in
// (every spawn sets it, a scoped_actor too), and ~actor_system waits until every such
// reference is gone. A thread that called the façade and outlives the runtime (another
// runtime's HTTP worker scraping its metrics, an application's thread pool, the thread that
// built the runtime when another one destroys it) would make the runtime's destruction hang.
#pragma once

#include <caf/logger.hpp>
#include <caf/scoped_actor.hpp>

namespace actortx {

/// Drops the calling thread's reference to an actor system's logger when it goes out of scope.
struct release_actor_system_on_exit {
  release_actor_system_on_exit() = default;
  release_actor_system_on_exit(const release_actor_system_on_exit&) = delete;
  release_actor_system_on_exit& operator=(const release_actor_system_on_exit&) = delete;
  ~release_actor_system_on_exit() { caf::logger::set_current_actor_system(nullptr); }
};

/// A caf::scoped_actor for one blocking call of the façade, on any thread.
class blocking_self {
 public:
  explicit blocking_self(caf::actor_system& sys) : self_{sys} {}

  caf::blocking_actor* operator->() const { return self_.ptr(); }
  caf::scoped_actor& get() noexcept { return self_; }

 private:
  release_actor_system_on_exit release_;  // declared first: runs after self_ is gone
  caf::scoped_actor self_;
};

}  // namespace actortx
