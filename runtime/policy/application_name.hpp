// The application_name an attempt runs under: how a cancel, an operator and the saga log tell
// attempts apart on the server, and how a server-side view finds a request's trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <actortx/trace_context.hpp>

namespace actortx {

/// PostgreSQL keeps this many bytes of an application_name (NAMEDATALEN - 1); the rest is cut.
inline constexpr size_t application_name_max = 63;

/// "actortx/<tx id>/<attempt>/<trace id>": set as application_name while an attempt runs, so
/// that a cancel only ever hits the attempt it was meant for, and operators see it in
/// pg_stat_activity next to the W3C trace id of the request (tx_options::correlation_id).
/// actortx.saga_step_done reads the attempt number (the third field) from it, and the saga
/// row's trace_id (migration 004) the fourth. Digits, '/' and lower-case hex only: safe inside
/// a SQL literal. When it would exceed application_name_max, the trace id is shortened (never
/// the attempt); without a valid correlation id there is no fourth field.
inline std::string attempt_application_name(uint64_t tx_id, uint32_t attempt,
                                            std::string_view correlation_id = {}) {
  std::string name = "actortx/" + std::to_string(tx_id) + "/" + std::to_string(attempt);
  if (!valid_traceparent(correlation_id) || name.size() + 2 > application_name_max) return name;
  const auto room = application_name_max - name.size() - 1;
  name += '/';
  name += correlation_id.substr(3, room < 32 ? room : 32);  // the trace id: "00-<here>-..."
  return name;
}

}  // namespace actortx
