// Which statements may change a connection's session (not just the transaction), so that the
// pool resets the session only after bodies that ran one (actortx.pool-reset-session).
#pragma once

#include <string_view>

namespace actortx {

/// True if `sql` may leave state behind in the session once its transaction ends: a first
/// keyword of SET (not SET LOCAL / TRANSACTION / CONSTRAINTS), RESET, PREPARE, DEALLOCATE,
/// LISTEN, UNLISTEN, DECLARE, DISCARD, LOAD or DO; CREATE [OR REPLACE] [GLOBAL|LOCAL]
/// TEMP[ORARY]; or anywhere the words pg_temp, set_config or a session advisory lock
/// (pg_[try_]advisory_lock[_shared]). Conservative: a false positive costs one reset round
/// trip, a miss leaves session state for the next transaction (tx::mark_session_changed()).
/// Leading blanks and comments are skipped. One pass over the text, no allocation.
bool may_change_session(std::string_view sql) noexcept;

}  // namespace actortx
