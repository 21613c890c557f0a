// The command tag of a result ("COMMIT", "ROLLBACK", ...), which libpqxx 6.4 keeps private.
#pragma once

#include <pqxx/result>

namespace actortx {

/// Needed to tell a real COMMIT from the ROLLBACK PostgreSQL answers when COMMIT ends an
/// aborted transaction; without it a body that caught a statement error would look committed.
const char* command_status(const pqxx::result& r) noexcept;

}  // namespace actortx
