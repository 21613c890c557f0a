// How log lines name one transaction, in one place: "tx 12 [transfer]", plus " saga <id>"
// when it works for a saga and " trace <32 hex>" (the W3C trace id of its correlation id), so
// that an operator can go from any line about a transaction to its saga, and grep one request
// across retries, saga steps, nodes and pg_stat_activity. Formatted only when the line is logged
// (no string built for a debug line that is filtered out).
#pragma once

#include <spdlog/fmt/fmt.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <actortx/trace_context.hpp>
#include <actortx/tx_options.hpp>

namespace actortx {

/// The views must outlive the log call that formats it (pass it straight to log()).
struct tx_name {
  uint64_t id = 0;  ///< 0: a request refused before it got an id: "[transfer]"
  std::string_view label;
  std::string_view saga_id;
  /// tx_options::correlation_id; shown as its trace id, and not at all unless valid (a refused
  /// request's may be anything).
  std::string_view correlation_id = {};
};

inline tx_name name_of(uint64_t id, const tx_options& opts) {
  return tx_name{id, opts.label, opts.saga_id, opts.correlation_id};
}

/// As a log line shows it.
std::string to_string(const tx_name& name);

}  // namespace actortx

template <>
struct fmt::formatter<actortx::tx_name> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const actortx::tx_name& n, Context& ctx) const -> decltype(ctx.out()) {
    auto out = ctx.out();
    if (n.id != 0) out = fmt::format_to(out, "tx {} ", n.id);
    out = fmt::format_to(out, "[{}]", n.label);
    if (!n.saga_id.empty()) out = fmt::format_to(out, " saga {}", n.saga_id);
    if (actortx::valid_traceparent(n.correlation_id))
      out = fmt::format_to(out, " trace {}", n.correlation_id.substr(3, 32));
    return out;
  }
};
