// actortx-bench-tpcb's tables: every side's figures over the rounds (median, min–max), and the
// ratios the fast-path issue sets goals for, computed round by round (sides of one round ran
// minutes apart at most, so drift of the machine cancels in their ratio).
#pragma once

#include <map>
#include <ostream>
#include <vector>

#include "tpcb_sides.hpp"

namespace bench {

/// clients → side → one sample per round, in round order.
using tpcb_results = std::map<int, std::map<side, std::vector<side_sample>>>;

/// | clients | side | TPS | avg | p50 | p99 | client CPU µs/tx | ctx switches/tx | errors |
void print_sides_table(std::ostream& out, const tpcb_results& r);

/// The comparisons, where both sides ran: median (min–max) over rounds and the goal.
void print_goals_table(std::ostream& out, const tpcb_results& r);

/// "1234 (1100–1300)": the median over rounds and the range; "—" when nothing was measured.
std::string median_range(std::vector<double> values, int digits);

}  // namespace bench
