#include "fault_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace stress {

namespace {

using std::chrono::milliseconds;

/// splitmix64, written out rather than std::*_distribution: those are implementation-defined,
/// and the schedule must come out the same with any standard library.
class schedule_rng {
 public:
  explicit schedule_rng(uint64_t seed) : state_(seed ^ 0x5eed'fa17'5c4e'd01eULL) {}

  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi] (the modulo bias is negligible for these small ranges).
  int between(int lo, int hi) noexcept {
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

constexpr milliseconds min_gap{100};

/// k distinct accounts among 1..n, ascending.
std::vector<int> pick_accounts(schedule_rng& rng, int n, int k) {
  std::vector<int> out;
  while (static_cast<int>(out.size()) < std::min(k, n)) {
    int a = rng.between(1, n);
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void fill_parameters(fault_event& e, const fault_plan& p, schedule_rng& rng) {
  switch (e.kind) {
    case fault_kind::terminate:
    case fault_kind::cancel:
      e.victims = rng.between(1, 3);
      break;
    case fault_kind::lock: {
      e.database = rng.between(0, std::max(1, p.databases) - 1);
      const int pool = p.hot_accounts > 0 ? std::min(p.hot_accounts, p.accounts) : p.accounts;
      e.accounts = pick_accounts(rng, pool, rng.between(1, 3));
      e.hold = milliseconds{rng.between(1, 6) * 100};  // "some hundred ms"
      break;
    }
    case fault_kind::restart:
      break;
    case fault_kind::proxy:
      // With worker nodes the proxies sit in front of the workers: cut one worker's.
      if (p.nodes > 0) {
        e.database = -1;
        e.node = rng.between(0, p.nodes - 1);
      } else {
        e.database = rng.between(0, std::max(1, p.databases) - 1);
      }
      break;
    case fault_kind::kill_node:
      e.node = rng.between(0, std::max(1, p.nodes) - 1);
      e.hold = milliseconds{rng.between(1, 5) * 100};
      break;
  }
}

}  // namespace

bool operator==(const fault_event& a, const fault_event& b) {
  return a.at == b.at && a.kind == b.kind && a.victims == b.victims && a.database == b.database &&
         a.accounts == b.accounts && a.hold == b.hold && a.node == b.node;
}

milliseconds fault_warmup(milliseconds run_length) {
  return std::min(milliseconds{1000}, run_length / 10);
}

milliseconds fault_quiet_tail(milliseconds run_length) {
  return std::clamp(run_length / 4, milliseconds{500}, milliseconds{3000});
}

std::vector<fault_event> make_fault_schedule(const fault_plan& p) {
  std::vector<fault_event> out;
  if (p.kinds.empty() || p.mean_interval <= milliseconds{0}) return out;
  schedule_rng rng{p.seed};
  const milliseconds last = p.run_length - fault_quiet_tail(p.run_length);
  milliseconds t = fault_warmup(p.run_length);
  std::vector<fault_kind> bag;
  for (;;) {
    // Exponential gaps: faults arrive as a Poisson process, bursts and lulls included.
    const double gap = -std::log(1.0 - rng.unit()) * static_cast<double>(p.mean_interval.count());
    t += std::max(min_gap, milliseconds{static_cast<int64_t>(gap)});
    if (t > last) break;
    if (bag.empty()) {  // a fresh bag, Fisher-Yates shuffled
      bag = p.kinds;
      for (size_t i = bag.size(); i > 1; --i)
        std::swap(bag[i - 1], bag[static_cast<size_t>(rng.between(0, static_cast<int>(i) - 1))]);
    }
    fault_event e;
    e.at = t;
    e.kind = bag.back();
    bag.pop_back();
    fill_parameters(e, p, rng);
    out.push_back(std::move(e));
  }
  return out;
}

std::string describe(const fault_event& e) {
  std::ostringstream os;
  const char* db = e.database == 0 ? "A" : "B";
  switch (e.kind) {
    case fault_kind::terminate:
      os << "terminate up to " << e.victims << " backend(s)";
      break;
    case fault_kind::cancel:
      os << "cancel up to " << e.victims << " statement(s)";
      break;
    case fault_kind::lock:
      os << "lock " << db << " account(s) ";
      for (size_t i = 0; i < e.accounts.size(); ++i) os << (i ? "," : "") << e.accounts[i];
      os << " for " << e.hold.count() << " ms";
      break;
    case fault_kind::restart:
      os << "restart PostgreSQL";
      break;
    case fault_kind::proxy:
      if (e.database < 0)
        os << "cut every database connection of worker " << e.node << " in its proxy";
      else
        os << "cut every connection of runtime " << db << " in its proxy";
      break;
    case fault_kind::kill_node:
      os << "kill -9 worker " << e.node << ", restart after " << e.hold.count() << " ms";
      break;
  }
  return os.str();
}

uint64_t schedule_digest(const std::vector<fault_event>& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](const std::string& text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  for (const auto& e : s) mix(std::to_string(e.at.count()) + " " + describe(e) + "\n");
  return h;
}

std::string digest_text(uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

}  // namespace stress
