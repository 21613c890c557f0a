// Runs one attempt on a pqxx connection: BEGIN, body, COMMIT, and the error classification.
// Plain code (no actor), called on the connection actor's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <actortx/statement.hpp>
#include <actortx/tx.hpp>
#include <actortx/tx_hooks.hpp>

#include "messages/attempt.hpp"

namespace actortx {

class pg_link;
class statement_cache;

/// The SQL sent as one round trip before the body:
/// BEGIN ISOLATION LEVEL ... [READ ONLY] [DEFERRABLE]; SET LOCAL statement_timeout = <ms>;
/// SET LOCAL application_name = 'actortx/<id>/<attempt>/<trace id>' (application_name.hpp)
std::string begin_sql(const exec_request& req, int64_t remaining_ms);

/// Hooks of one attempt: runtime-wide ones run first, then the transaction's. Either may be null.
struct attempt_hooks {
  const tx_hooks* global = nullptr;
  const tx_hooks* local = nullptr;
};

/// Runs `body` inside a transaction on `conn`, with the hooks around COMMIT/ROLLBACK, and
/// reports what happened. Never throws. With req.gate, the attempt is bound to `link` while it
/// runs (so its deadline can cancel or cut it) and sends COMMIT only if the deadline has not
/// expired it first. With `statements` (the connection's cache; null: none), the body's
/// statements run prepared, and names the cache evicted are DEALLOCATEd before BEGIN.
attempt_result run_attempt(pqxx::connection_base& conn, const std::shared_ptr<pg_link>& link,
                           int32_t backend_pid, const exec_request& req,
                           const std::function<void(tx&, attempt_result&)>& body,
                           const attempt_hooks& hooks = {}, statement_cache* statements = nullptr);

/// Executes a script's statements with bound parameters through t.exec() (prepared when the
/// connection caches statements), appending one result_set each.
void run_script(tx& t, const tx_script& script, attempt_result& out);

}  // namespace actortx
