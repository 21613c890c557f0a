// What one pipelined script attempt sends, in order, and what each result belongs to.
// Internal to actors/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <actortx/statement.hpp>

#include "messages/attempt.hpp"

namespace actortx {

class pg_pipeline;
class statement_cache;

enum class pipe_role : uint8_t {
  deallocate,  ///< an evicted prepared statement, before the transaction
  sync,        ///< a sync point: one PGRES_PIPELINE_SYNC result
  begin,       ///< BEGIN with the attempt's isolation, READ ONLY/WRITE, DEFERRABLE
  settings,    ///< statement_timeout from the deadline, application_name of the attempt (with its
               ///< trace id)
  key,         ///< the idempotency key's INSERT
  refresh,     ///< statement_timeout = what is left of the deadline (the server's clock)
  statement,   ///< one of the script's statements
  commit,
};

struct pipe_item {
  pipe_role role;
  bool parse = false;                ///< the PREPARE of the command that follows, not the command
  bool named = false;                ///< runs (or prepares) a cached prepared statement
  size_t index = 0;                  ///< the script statement (role statement)
  const std::string* sql = nullptr;  ///< its text (for the cache); owned by plan or script
};

struct pipe_plan {
  std::vector<pipe_item> items;
  /// COMMIT was queued: from the first flush on it may reach the server.
  bool commit_queued = false;
  std::string begin_sql;  // texts the items point at
};

/// The SQL that opens an attempt's transaction: BEGIN ISOLATION LEVEL ... READ ONLY|WRITE
/// [DEFERRABLE] (the statement_timeout and application_name come with set_config).
std::string pipeline_begin_sql(const tx_options& opts);

/// Queues the attempt on `pipe`: a DEALLOCATE for each name the cache evicted (each with its
/// own sync, so a failing one costs nothing else), then BEGIN, the settings, the key INSERT
/// when the request has a key, every statement, COMMIT, one sync. statement_timeout counts per
/// statement, so before each statement after the first and before COMMIT it is set again to
/// what is left of the deadline, which the settings anchored on the server's own clock. Statements
/// the cache has not prepared yet are prepared inside the same pipeline. False if libpq refused a
/// call.
bool queue_attempt(pg_pipeline& pipe, const exec_request& req, const tx_script& script,
                   statement_cache& cache, int64_t statement_timeout_ms, pipe_plan& plan);

}  // namespace actortx
