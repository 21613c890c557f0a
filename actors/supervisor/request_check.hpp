// What a transaction request must satisfy before it runs, checked the same way by the
// supervisor and by the blocking lane. Internal to actors/.
#pragma once

#include <string>

#include <actortx/tx_options.hpp>

namespace actortx {

/// Empty if `opts` can run; otherwise what is wrong, naming the field.
std::string check_options(const tx_options& opts);

/// Gives a request without a correlation id a new one (a W3C traceparent), once, before its
/// first attempt: its attempts, log lines and record then all carry the same. A caller's own
/// (checked by check_options) is kept.
void ensure_correlation_id(tx_options& opts);

}  // namespace actortx
