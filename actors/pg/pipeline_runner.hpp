// Runs a tx_script attempt as ONE libpq pipeline: BEGIN, settings, key, statements, COMMIT and a
// sync leave in one flush, and the results come back in one round trip. Plain code (no CAF),
// called on the connection actor's thread. Internal to actors/.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include <actortx/statement.hpp>

#include "actors/pg/attempt_runner.hpp"
#include "actors/pg/statement_cache.hpp"
#include "messages/attempt.hpp"

namespace actortx {

class pg_link;

/// Name prefix of the pipeline's own statement cache (tx bodies use another one).
inline constexpr const char* pipeline_statement_prefix = "axp_";
/// Its size when the runtime's configuration does not say.
inline constexpr size_t default_pipeline_statements = 128;

/// The pipeline's statement cache of one connection, valid for one libpq handle: libpqxx may
/// reconnect by itself, and a new handle has none of the old statements.
class pipeline_statements {
 public:
  explicit pipeline_statements(size_t capacity) : cache_(capacity, pipeline_statement_prefix) {}
  /// The cache for the connection's current `link`; emptied first if the handle changed.
  statement_cache& on(const std::shared_ptr<pg_link>& link) {
    if (link_.lock() != link) {
      cache_.clear();
      link_ = link;
    }
    return cache_;
  }

 private:
  statement_cache cache_;
  std::weak_ptr<pg_link> link_;
};

/// Runs `script` in one round trip and reports it as run_attempt + run_script would: the same
/// SQLSTATE classes, results per statement, key_recorded, connection_ok. Differences that
/// follow from COMMIT being on the wire from the start:
///  - the deadline is enforced by the server: statement_timeout is set to the time left
///    (minus a margin) inside the pipeline, and its 57014 is TIMEOUT, never committed;
///  - a connection lost before COMMIT's reply is IN_DOUBT, unless a result already showed
///    that an earlier command failed (then nothing committed: reconnect).
/// The connection comes back idle, blocking and out of pipeline mode, or connection_ok is
/// false (and, if its state is unknown, its socket is cut so that the pool's ping fails).
/// Pre-commit hooks cannot run here (see has_pre_commit_hooks); notification hooks do.
attempt_result run_pipelined(PGconn* conn, const std::shared_ptr<pg_link>& link,
                             int32_t backend_pid, const exec_request& req, const tx_script& script,
                             statement_cache& cache, const attempt_hooks& hooks = {});

/// The server-side statement_timeout for `remaining_ms` left: a margin of min(20 ms, 1/10)
/// so the server's 57014 reaches us before the supervisor's deadline; at least 1 ms.
int64_t pipeline_statement_timeout_ms(int64_t remaining_ms) noexcept;

}  // namespace actortx
