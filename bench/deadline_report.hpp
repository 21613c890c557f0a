// Tables of actortx-bench-deadline: percentiles per cell (path x background load), each with its
// spread over the rounds, and what the outcomes were.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "deadline_probe.hpp"

namespace bench {

/// Markdown tables: caller lateness, backend lateness, where the time went, outcomes.
void print_deadline_report(std::ostream& os, const std::vector<probe_sample>& samples);

/// One line per sample (for plots and a second look); throws if the file cannot be written.
void write_samples_csv(const std::string& path, const std::vector<probe_sample>& samples);

}  // namespace bench
