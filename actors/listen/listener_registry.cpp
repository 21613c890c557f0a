// Remembering and stopping a runtime's listeners.
#include "actors/listen/listener_registry.hpp"

#include <algorithm>

namespace actortx {

void listener_registry::add(const std::shared_ptr<listener>& l) {
  std::lock_guard<std::mutex> guard{mutex_};
  // Forget those whose handles are gone, so that a runtime that listens and stops again and
  // again does not grow this list.
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [](const auto& w) { return w.expired(); }),
                   listeners_.end());
  listeners_.push_back(l);
}

void listener_registry::stop_all() noexcept {
  std::vector<std::weak_ptr<listener>> all;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    all.swap(listeners_);
  }
  for (auto& w : all)
    if (auto l = w.lock()) l->stop();
}

}  // namespace actortx
