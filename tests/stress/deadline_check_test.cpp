// The deadline invariant: at most deadline_slack past the deadline, callers and records.
#include "deadline_check.hpp"

#include <catch2/catch.hpp>

using namespace stress;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("a transaction more than the slack past its deadline is a violation", "[unit]") {
  deadline_tally callers;
  callers.add(microseconds{900'000}, milliseconds{1000}, "transfer", 1);
  callers.add(microseconds{1'000'000} + deadline_slack, milliseconds{1000}, "transfer", 2);
  CHECK(callers.checked == 2);
  CHECK(callers.over == 0);
  CHECK(callers.worst == deadline_slack);
  invariant_result ok;
  add_deadline_invariant(ok, callers, deadline_tally{});
  CHECK(ok.ok);

  callers.add(microseconds{1'000'000} + deadline_slack + microseconds{1}, milliseconds{1000},
              "transfer", 3);
  CHECK(callers.over == 1);
  CHECK(callers.worst_what == "tx 3 [transfer]");
  invariant_result bad;
  add_deadline_invariant(bad, callers, deadline_tally{});
  CHECK_FALSE(bad.ok);
  CHECK(bad.details.find("tx 3 [transfer]") != std::string::npos);
}

TEST_CASE("the runtime's records are checked for the labels asked for only", "[unit]") {
  std::vector<actortx::tx_record> rs(3);
  rs[0].id = 1;
  rs[0].label = "transfer";
  rs[0].duration = microseconds{200'000};
  rs[1].id = 2;
  rs[1].label = "other";
  rs[1].duration = microseconds{5'000'000};
  rs[2].id = 3;
  rs[2].label = "transfer";
  rs[2].duration = microseconds{100'000};
  auto t = check_records(rs, milliseconds{100},
                         [](const actortx::tx_record& r) { return r.label == "transfer"; });
  CHECK(t.checked == 2);
  CHECK(t.over == 1);
  CHECK(t.worst_what == "tx 1 [transfer]");
  invariant_result inv;
  add_deadline_invariant(inv, deadline_tally{}, t);
  CHECK_FALSE(inv.ok);
}

TEST_CASE("a worker's tally survives the trip through text", "[unit]") {
  deadline_tally t;
  t.add(microseconds{1'200'000}, milliseconds{1000}, "run:a_to_b:w0:w1/debit", 42);
  t.add(microseconds{300'000}, milliseconds{1000}, "transfer", 43);
  auto back = tally_from_text(to_text(t));
  REQUIRE(back);
  CHECK(back->checked == 2);
  CHECK(back->over == 1);
  CHECK(back->worst == t.worst);
  CHECK(back->worst_what == "tx 42 [run:a_to_b:w0:w1/debit]");
  auto none = tally_from_text(to_text(deadline_tally{}));
  REQUIRE(none);
  CHECK(none->checked == 0);
  CHECK_FALSE(tally_from_text("not a tally"));
  CHECK_FALSE(tally_from_text("1 2 0\n"));  // more over than checked
}

TEST_CASE("a caller over the bound is explained by the runtime's record of it", "[unit]") {
  deadline_tally callers;
  callers.add(microseconds{2'070'000}, milliseconds{2000}, "transfer", 57);
  actortx::tx_record r;
  r.id = 57;
  r.duration = microseconds{2'000'400};
  r.state = actortx::tx_state::timeout;
  r.attempts = 1;
  auto text = where_the_time_went(callers, {r}, milliseconds{2000});
  CHECK(text.rfind("tx 57: the runtime's record ends +0.4 ms relative to the deadline (TIMEOUT, "
                   "1 attempt(s)); the caller's answer came +69.6 ms after that",
                   0) == 0);
  CHECK(where_the_time_went(callers, {}, milliseconds{2000}).find(no_record) != std::string::npos);
  CHECK(where_the_time_went(deadline_tally{}, {r}, milliseconds{2000}).empty());
}

TEST_CASE("callers answered by their deadline report their lateness percentiles", "[unit]") {
  deadline_tally callers;
  actortx::tx_outcome timed_out;
  timed_out.state = actortx::tx_state::timeout;
  actortx::tx_outcome committed;
  committed.state = actortx::tx_state::committed;
  for (int i = 0; i < 100; ++i)
    callers.add(microseconds{1'000'000 + i * 100}, milliseconds{1000}, "transfer", i, &timed_out);
  callers.add(microseconds{400'000}, milliseconds{1000}, "transfer", 200, &committed);
  CHECK(callers.late_us.size() == 100);  // the commit well before its deadline is not one
  const auto text = describe(callers);
  CHECK(text.find("100 answered by their deadline") != std::string::npos);
  CHECK(text.find("p99 +9.8 ms") != std::string::npos);
  CHECK(text.find("max +9.9 ms") != std::string::npos);
}
