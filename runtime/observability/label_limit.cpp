#include "runtime/observability/label_limit.hpp"

#include <actortx/metrics.hpp>

namespace actortx {

const std::string& label_limit::counted(const std::string& raw) {
  static const std::string unlabelled{unlabelled_label};
  static const std::string overflow{overflow_label};
  if (raw.empty()) return unlabelled;
  if (auto i = kept_.find(raw); i != kept_.end()) return *i;
  if (kept_.size() >= max_) return overflow;
  return *kept_.insert(raw).first;
}

}  // namespace actortx
