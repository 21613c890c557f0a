#include "dashboard_url.hpp"

#include <ostream>

namespace stress {

void print_dashboard_url(std::ostream& os, actortx::runtime& rt) {
  const auto port = rt.dashboard_port();
  if (port == 0) return;
  const auto& bind = rt.config().dashboard.bind;
  const bool v6 = bind.find(':') != std::string::npos;
  os << "dashboard: http://" << (v6 ? "[" + bind + "]" : bind) << ':' << port
     << "/ (Prometheus metrics on /metrics)" << std::endl;
}

}  // namespace stress
