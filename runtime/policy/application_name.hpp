// The application_name an attempt runs under: how a cancel, an operator and the saga log tell
// attempts apart on the server.
#pragma once

#include <cstdint>
#include <string>

namespace actortx {

/// "actortx/<tx id>/<attempt>": set as application_name while an attempt runs, so that a cancel
/// only ever hits the attempt it was meant for, and operators see it in pg_stat_activity
/// (actortx.saga_step_done reads the attempt number from it).
inline std::string attempt_application_name(uint64_t tx_id, uint32_t attempt) {
  return "actortx/" + std::to_string(tx_id) + "/" + std::to_string(attempt);
}

}  // namespace actortx
