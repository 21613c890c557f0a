// Transfer ends: uniform, or concentrated on the hot accounts for --workload hotspot.
#include "account_picker.hpp"

#include <map>

#include <catch2/catch.hpp>

using namespace stress;

TEST_CASE("transfer ends are two distinct accounts in range", "[unit]") {
  std::mt19937_64 rng{1};
  account_picker uniform{10};
  account_picker hot{10, 3};
  for (int i = 0; i < 5000; ++i) {
    for (auto* p : {&uniform, &hot}) {
      auto [from, to] = p->pick(rng);
      CHECK(from != to);
      CHECK(from >= 1);
      CHECK(from <= 10);
      CHECK(to >= 1);
      CHECK(to <= 10);
    }
  }
}

TEST_CASE("the hotspot picker sends most transfer ends to the hot accounts", "[unit]") {
  std::mt19937_64 rng{2};
  const int accounts = 100, hot = 4, n = 20000;
  account_picker hotspot{accounts, hot};
  account_picker uniform{accounts};
  auto hot_share = [&](account_picker& p) {
    int ends = 0;
    for (int i = 0; i < n; ++i) {
      auto [from, to] = p.pick(rng);
      ends += (from <= hot) + (to <= hot);
    }
    return static_cast<double>(ends) / (2.0 * n);
  };
  CHECK(hot_share(hotspot) > 0.85);  // 0.9 by construction, less a few redraws
  CHECK(hot_share(uniform) < 0.1);   // 4 of 100
}
