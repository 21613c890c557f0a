// The Prometheus text format (0.0.4) as a writer: HELP/TYPE lines, samples, histograms and
// label escaping in one place, so the exporters only say which series exist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actortx {

/// A label value escaped for the exposition format: backslash, double quote and newline are
/// escaped, and bytes that are not UTF-8 become U+FFFD (Prometheus refuses a whole scrape
/// over one invalid label value, and transaction labels come from applications).
std::string prometheus_escape_label(std::string_view value);

/// A sample value or bucket bound: shortest text that reads back as the same double
/// ("0.0005", "2.5", "10"), "+Inf", "-Inf" or "NaN".
std::string prometheus_number(double value);

/// Label pairs of one sample besides the identity labels; values are escaped when written.
using prometheus_labels = std::initializer_list<std::pair<const char*, std::string_view>>;

/// The `le` texts of a histogram family's buckets, "+Inf" last: rendered once per family
/// (kept in a static), not once per series.
struct prometheus_bounds {
  std::vector<std::string> le;
};
prometheus_bounds make_prometheus_bounds(const double* bounds, size_t count);

/// Appends families in the order they are declared. Identity labels (runtime, database) set
/// with identity() come first in every sample until the next identity() call.
class prometheus_writer {
 public:
  /// HELP and TYPE of the family whose samples follow.
  void family(std::string_view name, std::string_view type, std::string_view help);

  /// Labels written first in each sample, e.g. {{"actortx_runtime", "a"}, ...}; {} for none.
  void identity(prometheus_labels labels);

  void sample(std::string_view name, prometheus_labels labels, uint64_t value);
  void sample(std::string_view name, prometheus_labels labels, double value);

  /// name_bucket (cumulative, one per bound and +Inf), name_sum and name_count from
  /// non-cumulative `buckets` (missing entries count as 0; extra ones go to +Inf).
  void histogram(std::string_view name, prometheus_labels labels, const prometheus_bounds& bounds,
                 const std::vector<uint64_t>& buckets, double sum);

  std::string take() { return std::move(out_); }

 private:
  /// Writes `name{identity,labels` (no closing brace) and returns whether a label was written.
  bool open_sample(std::string_view name, std::string_view suffix, prometheus_labels labels);

  std::string out_;
  std::string identity_;  // rendered `k="v",k="v"`, escaped once per identity() call
};

}  // namespace actortx
