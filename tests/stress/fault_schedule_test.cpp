// The stress harness's fault schedule: a pure function of seed and settings.
#include "fault_schedule.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <catch2/catch.hpp>

#include "fault_kind.hpp"

using namespace stress;
using std::chrono::milliseconds;

namespace {

fault_plan plan(uint64_t seed) {
  fault_plan p;
  p.seed = seed;
  p.kinds = all_fault_kinds();
  p.run_length = milliseconds{60000};
  p.mean_interval = milliseconds{2000};
  p.databases = 2;
  p.accounts = 50;
  p.nodes = 3;
  return p;
}

}  // namespace

TEST_CASE("the same seed produces the same fault schedule", "[unit]") {
  auto a = make_fault_schedule(plan(42));
  auto b = make_fault_schedule(plan(42));
  REQUIRE(!a.empty());
  CHECK(a == b);
  CHECK(schedule_digest(a) == schedule_digest(b));
}

TEST_CASE("another seed produces another fault schedule", "[unit]") {
  auto a = make_fault_schedule(plan(42));
  auto b = make_fault_schedule(plan(43));
  CHECK_FALSE(a == b);
  CHECK(schedule_digest(a) != schedule_digest(b));
}

TEST_CASE("the schedule depends on the settings, not only the seed", "[unit]") {
  auto base = plan(42);
  auto fewer = base;
  fewer.kinds = {fault_kind::terminate, fault_kind::lock};
  auto denser = base;
  denser.mean_interval = milliseconds{500};
  CHECK(schedule_digest(make_fault_schedule(base)) != schedule_digest(make_fault_schedule(fewer)));
  CHECK(make_fault_schedule(denser).size() > make_fault_schedule(base).size());
}

TEST_CASE("faults stay between the warm-up and the quiet tail, in order", "[unit]") {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    auto p = plan(seed);
    auto s = make_fault_schedule(p);
    REQUIRE(!s.empty());
    CHECK(s.front().at > fault_warmup(p.run_length));
    CHECK(s.back().at <= p.run_length - fault_quiet_tail(p.run_length));
    for (size_t i = 1; i < s.size(); ++i) CHECK(s[i].at - s[i - 1].at >= milliseconds{100});
  }
}

TEST_CASE("every kind comes once before any comes twice", "[unit]") {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    auto p = plan(seed);
    p.kinds = {fault_kind::terminate, fault_kind::cancel, fault_kind::lock, fault_kind::proxy};
    auto s = make_fault_schedule(p);
    REQUIRE(s.size() >= p.kinds.size());
    std::map<fault_kind, int> first_round;
    for (size_t i = 0; i < p.kinds.size(); ++i) ++first_round[s[i].kind];
    CHECK(first_round.size() == p.kinds.size());
    for (const auto& e : s)
      CHECK(std::find(p.kinds.begin(), p.kinds.end(), e.kind) != p.kinds.end());
  }
}

TEST_CASE("fault parameters stay within the plan", "[unit]") {
  auto p = plan(7);
  p.hot_accounts = 4;
  for (const auto& e : make_fault_schedule(p)) {
    // With worker nodes a proxy cut is a worker's (database -1), else a database's runtime's.
    CHECK(e.database >= (e.kind == fault_kind::proxy ? -1 : 0));
    CHECK(e.database < p.databases);
    if (e.kind == fault_kind::proxy) {
      CHECK(e.database == -1);
      CHECK(e.node >= 0);
      CHECK(e.node < p.nodes);
    }
    if (e.kind == fault_kind::lock) {
      REQUIRE(!e.accounts.empty());
      CHECK(std::is_sorted(e.accounts.begin(), e.accounts.end()));
      CHECK(std::adjacent_find(e.accounts.begin(), e.accounts.end()) == e.accounts.end());
      CHECK(e.accounts.front() >= 1);
      CHECK(e.accounts.back() <= p.hot_accounts);  // lock bursts hit the hot set
      CHECK(e.hold >= milliseconds{100});
      CHECK(e.hold <= milliseconds{600});
    }
    if (e.kind == fault_kind::terminate || e.kind == fault_kind::cancel) {
      CHECK(e.victims >= 1);
      CHECK(e.victims <= 3);
    }
    if (e.kind == fault_kind::kill_node) {
      CHECK(e.node >= 0);
      CHECK(e.node < p.nodes);
    }
  }
}

TEST_CASE("no kinds or a run too short for the warm-up and tail: no faults", "[unit]") {
  auto p = plan(1);
  p.kinds.clear();
  CHECK(make_fault_schedule(p).empty());
  p = plan(1);
  p.run_length = milliseconds{400};
  CHECK(make_fault_schedule(p).empty());
}

TEST_CASE("a fault is described in one line and the digest is 16 hex digits", "[unit]") {
  fault_event e;
  e.kind = fault_kind::lock;
  e.database = 1;
  e.accounts = {3, 7};
  e.hold = milliseconds{350};
  CHECK(describe(e) == "lock B account(s) 3,7 for 350 ms");
  e = fault_event{};
  e.kind = fault_kind::terminate;
  e.victims = 2;
  CHECK(describe(e) == "terminate up to 2 backend(s)");
  auto d = digest_text(schedule_digest(make_fault_schedule(plan(5))));
  CHECK(d.size() == 16);
  CHECK(d.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("fault lists for --faults parse in canonical order and name a bad kind", "[unit]") {
  std::string bad;
  auto r = parse_fault_request("proxy,terminate,cancel,terminate", bad);
  REQUIRE(r);
  CHECK(r->kinds ==
        std::vector<fault_kind>{fault_kind::terminate, fault_kind::cancel, fault_kind::proxy});
  CHECK_FALSE(r->all);
  r = parse_fault_request("all", bad);
  REQUIRE(r);
  CHECK(r->all);
  r = parse_fault_request("none", bad);
  REQUIRE(r);
  CHECK_FALSE(r->any());
  CHECK_FALSE(parse_fault_request("terminate,explode", bad));
  CHECK(bad == "explode");
  CHECK_FALSE(parse_fault_request("terminate,", bad));
  CHECK(bad.empty());
  for (auto k : all_fault_kinds()) CHECK(parse_fault_kind(to_string(k)) == k);
}

TEST_CASE("the schedule is generated lazily: a day of faults takes no memory up front", "[unit]") {
  fault_plan p;
  p.seed = 9;
  p.kinds = all_fault_kinds();
  p.run_length = std::chrono::hours(24);
  p.mean_interval = std::chrono::milliseconds(100);
  fault_schedule_generator g{p};
  auto first = g.next();
  REQUIRE(first);
  CHECK(first->at >= fault_warmup(p.run_length));
  auto s = summarize_schedule(p, 3);
  CHECK(s.count > 100000);  // ~1/0.14 s over a day, counted, never stored
  CHECK(s.first.size() == 3);
  CHECK(s.first.front() == *first);
}

TEST_CASE("the summary's digest and count are the whole schedule's", "[unit]") {
  fault_plan p;
  p.seed = 4;
  p.kinds = {fault_kind::terminate, fault_kind::crash, fault_kind::lock};
  p.run_length = std::chrono::seconds(60);
  auto all = make_fault_schedule(p);
  auto s = summarize_schedule(p);
  CHECK(s.count == static_cast<int64_t>(all.size()));
  CHECK(s.digest == schedule_digest(all));
  bool crash = false;
  for (const auto& e : all) crash = crash || e.kind == fault_kind::crash;
  CHECK(crash);
}
