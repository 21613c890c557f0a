// Resetting a session a body changed, before the connection is leased again
// (actortx.pool-reset-session). Internal to actors/.
#pragma once

#include <pqxx/connection_base>

namespace actortx {

/// What DISCARD ALL does, less what the runtime keeps per connection (its prepared statements,
/// named "ax_..." and "axp_..."): CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ROLE;
/// RESET ALL; UNLISTEN *; pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES — one round
/// trip — and then the body's own prepared statements, through libpqxx's registry where they
/// are in it. Settings go back to the values the connection started with (the DSN's options
/// included). Throws what libpqxx throws: the caller then gives the connection up.
void reset_session(pqxx::connection_base& conn);

}  // namespace actortx
