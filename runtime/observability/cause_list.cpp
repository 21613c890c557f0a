#include "runtime/observability/cause_list.hpp"

#include <algorithm>

#include <actortx/failure_cause.hpp>

namespace actortx {

namespace {

/// The ';'-separated entries of `text`, each passed through `read` (false: not valid).
template <class Read>
std::optional<std::vector<std::string>> split_with(const std::string& text, std::string& bad,
                                                   Read read) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (size_t from = 0;;) {
    const size_t to = std::min(text.find(';', from), text.size());
    std::string entry = text.substr(from, to - from);
    if (!read(entry)) {
      bad = std::move(entry);
      return std::nullopt;
    }
    out.push_back(std::move(entry));
    if (to == text.size()) return out;
    from = to + 1;
  }
}

}  // namespace

std::string join_causes(const std::vector<std::string>& causes) {
  std::string out;
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i > 0) out += ';';
    out += is_failure_cause(causes[i]) ? causes[i] : std::string{"other"};
  }
  return out;
}

std::optional<std::vector<std::string>> split_causes(const std::string& text, std::string& bad) {
  return split_with(text, bad, [](const std::string& entry) { return is_failure_cause(entry); });
}

std::optional<std::vector<std::string>> split_legacy_sqlstates(const std::string& text,
                                                               std::string& bad) {
  return split_with(text, bad, [](std::string& entry) {
    if (entry == "-") entry = "other";
    return is_failure_cause(entry);
  });
}

}  // namespace actortx
