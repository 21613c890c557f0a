// Prometheus text exposition (format 0.0.4) of a metrics snapshot, for GET /metrics.
//
// Names carry the "actortx_" prefix and base units: counters end in "_total", times are in
// seconds, the latency histogram is actortx_transaction_duration_seconds_bucket/_sum/_count
// with cumulative buckets. Transaction families have one series per label (label="" for
// transactions without one); sum without (label) (...) gives the overall figure. Before any
// transaction has finished there is one series with label="" holding zeros, so every family
// exists from the first scrape on. The full list is in docs/observability.md.
#pragma once

#include <string>

#include <actortx/metrics.hpp>

namespace actortx {

/// The exposition text of `s`: HELP and TYPE lines, families in a fixed order, no timestamps.
std::string prometheus_text(const metrics_snapshot& s);

/// A label value escaped for the exposition format: backslash, double quote and newline.
std::string prometheus_escape_label(const std::string& value);

/// A sample value or bucket bound: shortest text that reads back as the same double
/// ("0.0005", "2.5", "10"), "+Inf", "-Inf" or "NaN".
std::string prometheus_number(double value);

}  // namespace actortx
