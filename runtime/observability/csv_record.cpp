#include "runtime/observability/csv_record.hpp"

#include <actortx/failure_cause.hpp>

#include "runtime/observability/cause_list.hpp"

namespace actortx {

namespace {

constexpr const char* cause_hint =
    " (a SQLSTATE such as 40001 or a cause name such as connection_lost or deadline)";

}  // namespace

std::vector<std::string> csv_record::causes(const std::string& column, bool legacy) const {
  std::string bad;
  auto out = legacy ? split_legacy_sqlstates(text(column), bad) : split_causes(text(column), bad);
  if (!out) fail(column, "not a failure cause: " + double_quoted(bad) + cause_hint);
  return std::move(*out);
}

std::string csv_record::cause_or_empty(const std::string& column) const {
  const auto& t = text(column);
  if (!t.empty() && !is_failure_cause(t))
    fail(column, "not a failure cause: " + double_quoted(t) + cause_hint);
  return t;
}

}  // namespace actortx
