// --dashboard: where the runtime's live dashboard listens.
#pragma once

#include <iosfwd>

#include <actortx/runtime.hpp>

namespace stress {

/// "dashboard: http://127.0.0.1:PORT/ (Prometheus metrics on /metrics)" when the runtime
/// serves one; nothing otherwise.
void print_dashboard_url(std::ostream& os, actortx::runtime& rt);

}  // namespace stress
