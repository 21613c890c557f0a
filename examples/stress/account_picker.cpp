#include "account_picker.hpp"

#include <algorithm>

namespace stress {

account_picker::account_picker(int accounts, int hot, double hot_share)
    : accounts_(accounts),
      hot_(std::clamp(hot, 0, accounts)),
      any_(1, accounts),
      hot_pick_(1, std::max(1, hot_)),
      is_hot_(hot_ >= 2 ? hot_share : 0.0) {}

int account_picker::one(std::mt19937_64& rng) {
  return is_hot_(rng) ? hot_pick_(rng) : any_(rng);
}

std::pair<int, int> account_picker::pick(std::mt19937_64& rng) {
  const int from = one(rng);
  int to = one(rng);
  // Redraw a clash; `accounts` >= 2 is validated, and with two hot accounts or more a redraw
  // ends quickly (the hot share stays below 1 unless asked for).
  while (to == from) to = one(rng);
  return {from, to};
}

}  // namespace stress
