// Fault counts: injected, survived (the run went on and the invariants held), per kind.
#include "fault_record.hpp"

#include <catch2/catch.hpp>

using namespace stress;
using std::chrono::milliseconds;

namespace {

fault_record record(fault_kind k, bool injected, int64_t progress_at_end,
                    std::optional<milliseconds> resumed = std::nullopt) {
  fault_record r;
  r.planned.kind = k;
  r.injected = injected;
  r.progress_at_end = progress_at_end;
  r.resumed_after = resumed;
  return r;
}

}  // namespace

TEST_CASE("a fault survived when the workload went on after it and the invariants hold", "[unit]") {
  std::vector<fault_record> rs{
      record(fault_kind::terminate, true, 10, milliseconds{30}),
      record(fault_kind::terminate, true, 50),  // no resume seen, but the final count moved on
      record(fault_kind::restart, true, 100),   // nothing finished after it
      record(fault_kind::cancel, false, 20),    // not injected
  };
  auto c = count_faults(rs, 100, true);
  CHECK(c[fault_kind::terminate].scheduled == 2);
  CHECK(c[fault_kind::terminate].injected == 2);
  CHECK(c[fault_kind::terminate].survived == 2);
  CHECK(c[fault_kind::terminate].slowest_resume == milliseconds{30});
  CHECK(c[fault_kind::restart].injected == 1);
  CHECK(c[fault_kind::restart].survived == 0);
  CHECK(c[fault_kind::cancel].scheduled == 1);
  CHECK(c[fault_kind::cancel].injected == 0);
  auto t = total(c);
  CHECK(t.scheduled == 4);
  CHECK(t.injected == 3);
  CHECK(t.survived == 2);
}

TEST_CASE("no fault survived a run whose invariants failed", "[unit]") {
  std::vector<fault_record> rs{record(fault_kind::lock, true, 10, milliseconds{5})};
  auto c = count_faults(rs, 100, false);
  CHECK(c[fault_kind::lock].injected == 1);
  CHECK(c[fault_kind::lock].survived == 0);
}
