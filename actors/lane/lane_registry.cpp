#include "actors/lane/lane_registry.hpp"

#include "actors/lane/lane_call.hpp"

namespace actortx {

bool lane_registry::add(const std::shared_ptr<lane_call>& call) {
  std::lock_guard<std::mutex> guard{mtx_};
  // Checked under the lock: shutdown drains, then lists what runs; nothing slips in between.
  if (draining_.load()) return false;
  calls_.emplace(call->tx_id, call);
  return true;
}

void lane_registry::remove(uint64_t tx_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  calls_.erase(tx_id);
}

std::vector<std::shared_ptr<lane_call>> lane_registry::list() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::shared_ptr<lane_call>> out;
  out.reserve(calls_.size());
  for (const auto& kv : calls_) out.push_back(kv.second);
  return out;
}

size_t lane_registry::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return calls_.size();
}

}  // namespace actortx
