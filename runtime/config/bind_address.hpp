// Whether an address a server binds to is reachable from this host only (internal to
// runtime/config): beyond it, the dashboard needs a token.
#pragma once

#include <string>

namespace actortx::config_detail {

/// True for 127.0.0.0/8, ::1 (also written in full or as ::ffff:127.x.y.z) and "localhost"
/// in any case. Wildcards (0.0.0.0, ::), other addresses and other host names are not.
bool is_loopback_address(const std::string& address) noexcept;

}  // namespace actortx::config_detail
