// What the runtime checks and settles before its actors start: the DSN it connects with (with
// the timeouts every connection needs) and a server that answers and has room for the pool.
#pragma once

#include <string>

#include <actortx/runtime_config.hpp>

namespace actortx {

/// The DSN from the config or the environment, checked, with what every connection needs
/// unless the DSN says otherwise: connect_timeout (cfg.connect_timeout) so no connect waits for
/// ever, and TCP keepalives plus tcp_user_timeout so a dead peer is noticed outside a
/// transaction too. Throws config_error (password redacted).
std::string resolve_dsn(const runtime_config& cfg);

/// Connects once in the caller's thread and fails early with a message an operator can act on
/// (startup_error, no password): unreachable server, or a pool that cannot fit in the server's
/// max_connections minus its reserved slots (config_error naming both numbers). Brings the
/// runtime's own tables (saga log, idempotency keys) to this binary's schema version, refusing
/// a database whose version is newer (runtime/schema/migrate.hpp). With `sagas` a failed
/// migration is a startup_error; without, a warning (only keyed transactions need the tables).
void probe_server(const std::string& dsn, const runtime_config& cfg, bool sagas);

}  // namespace actortx
