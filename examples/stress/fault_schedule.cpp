#include "fault_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace stress {

namespace {

using std::chrono::milliseconds;

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
    case fault_kind::crash:
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

uint64_t schedule_rng::next() noexcept {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double schedule_rng::unit() noexcept {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

int schedule_rng::between(int lo, int hi) noexcept {
  return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
}

fault_schedule_generator::fault_schedule_generator(fault_plan p)
    : p_(std::move(p)),
      rng_(p_.seed),
      t_(fault_warmup(p_.run_length)),
      last_(p_.run_length - fault_quiet_tail(p_.run_length)),
      done_(p_.kinds.empty() || p_.mean_interval <= milliseconds{0}) {}

std::optional<fault_event> fault_schedule_generator::next() {
  if (done_) return std::nullopt;
  // Exponential gaps: faults arrive as a Poisson process, bursts and lulls included.
  const double gap = -std::log(1.0 - rng_.unit()) * static_cast<double>(p_.mean_interval.count());
  t_ += std::max(min_gap, milliseconds{static_cast<int64_t>(gap)});
  if (t_ > last_) {
    done_ = true;
    return std::nullopt;
  }
  if (bag_.empty()) {  // a fresh bag, Fisher-Yates shuffled
    bag_ = p_.kinds;
    for (size_t i = bag_.size(); i > 1; --i)
      std::swap(bag_[i - 1], bag_[static_cast<size_t>(rng_.between(0, static_cast<int>(i) - 1))]);
  }
  fault_event e;
  e.at = t_;
  e.kind = bag_.back();
  bag_.pop_back();
  fill_parameters(e, p_, rng_);
  return e;
}

std::vector<fault_event> make_fault_schedule(const fault_plan& p) {
  std::vector<fault_event> out;
  fault_schedule_generator g{p};
  while (auto e = g.next()) out.push_back(std::move(*e));
  return out;
}

schedule_summary summarize_schedule(const fault_plan& p, size_t shown) {
  schedule_summary s;
  s.digest = digest_seed;
  fault_schedule_generator g{p};
  while (auto e = g.next()) {
    ++s.count;
    s.digest = digest_fold(s.digest, *e);
    if (s.first.size() < shown) s.first.push_back(std::move(*e));
  }
  return s;
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
    case fault_kind::crash:
      os << "crash PostgreSQL (kill -9 of the postmaster and its backends), then recover";
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

uint64_t digest_fold(uint64_t h, const fault_event& e) {
  for (unsigned char c : std::to_string(e.at.count()) + " " + describe(e) + "\n") {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t schedule_digest(const std::vector<fault_event>& s) {
  uint64_t h = digest_seed;
  for (const auto& e : s) h = digest_fold(h, e);
  return h;
}

std::string digest_text(uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

}  // namespace stress
