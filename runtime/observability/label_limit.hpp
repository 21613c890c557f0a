// Bounds the transaction labels the metrics count one by one: labels are free-form text, and
// every distinct one becomes a row, a chart line and a set of exported series.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>

namespace actortx {

class label_limit {
 public:
  explicit label_limit(size_t max_labels) : max_(max_labels) {}

  /// The label `raw` is counted under: unlabelled_label for "", `raw` itself when it is one
  /// of the first max_labels distinct labels seen, overflow_label for any later new label.
  /// The two fixed names take no slot. The same `raw` always maps to the same label.
  const std::string& counted(const std::string& raw);

  size_t kept() const noexcept { return kept_.size(); }

 private:
  size_t max_;
  std::unordered_set<std::string> kept_;
};

}  // namespace actortx
