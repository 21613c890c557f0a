// How the room writes figures for people: alert messages, health advice, the log summary and
// the HTML report. One home, so that each spelling exists once.
#pragma once

#include <string>

namespace actortx {

/// `v` with exactly `decimals` decimals ("%.*f").
std::string fixed_text(double v, int decimals);
/// At most two decimals and no trailing zeros: configured values read as written ("25", "2.5").
std::string trimmed_text(double v);
/// "850 ms" below a second, "1.32 s" from a second on (trimmed): thresholds and advice.
std::string duration_text(double seconds);
/// "4.00 ms", "120 ms", "1.50 s": latencies in a table, two or three significant digits.
std::string latency_text(double seconds);
/// "12.5 %" for a ratio of 0.125: one decimal, for tables.
std::string percent_text(double ratio);
/// "13 %" for a ratio of 0.125: whole percent, halves rounded up, for sentences.
std::string whole_percent_text(double ratio);
/// "12.3 ms" at any size: the periodic log line, whose columns stay comparable.
std::string ms_text(double seconds);

}  // namespace actortx
