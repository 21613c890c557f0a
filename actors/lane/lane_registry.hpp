// The blocking lane's transactions that run now. The supervisor owns the list of running
// transactions: it reads this one (active transactions, long-running warnings, counts for the
// metrics, shutdown) instead of being told of every start and end by a message. Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace actortx {

struct lane_call;

class lane_registry {
 public:
  /// False once draining: the caller asks the supervisor instead, which refuses politely.
  bool add(const std::shared_ptr<lane_call>& call);
  void remove(uint64_t tx_id);
  std::vector<std::shared_ptr<lane_call>> list() const;
  size_t size() const;

  /// Shutdown: no new lane transactions from now on.
  void drain() noexcept { draining_.store(true); }
  bool draining() const noexcept { return draining_.load(); }

 private:
  mutable std::mutex mtx_;
  std::unordered_map<uint64_t, std::shared_ptr<lane_call>> calls_;
  std::atomic<bool> draining_{false};
};

}  // namespace actortx
