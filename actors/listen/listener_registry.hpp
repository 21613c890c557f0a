// The listeners of one runtime, so that it can stop them all before its actor system goes
// (a listener may hold an actor handle and send to it). Internal to actors/.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "actors/listen/listener.hpp"

namespace actortx {

class listener_registry {
 public:
  /// Remembers `l` (weakly: its listen_handle owns it).
  void add(const std::shared_ptr<listener>& l);
  /// Stops every listener still alive and waits for their threads. Their handles stay valid
  /// (stopping them again does nothing).
  void stop_all() noexcept;

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<listener>> listeners_;
};

}  // namespace actortx
