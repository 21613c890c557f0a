// Which two accounts a transfer moves money between: uniform over all accounts, or, for the
// hotspot workload, mostly among a few hot ones (row-lock contention and deadlocks on them).
#pragma once

#include <cstdint>
#include <random>
#include <utility>

namespace stress {

class account_picker {
 public:
  /// Accounts 1..`accounts`; `hot` > 0: accounts 1..hot are hot, and each end of a transfer
  /// is one of them with probability `hot_share`.
  account_picker(int accounts, int hot = 0, double hot_share = 0.9);

  /// Two distinct accounts: (from, to).
  std::pair<int, int> pick(std::mt19937_64& rng);

 private:
  int one(std::mt19937_64& rng);

  int accounts_;
  int hot_;
  std::uniform_int_distribution<int> any_;
  std::uniform_int_distribution<int> hot_pick_;
  std::bernoulli_distribution is_hot_;
};

}  // namespace stress
