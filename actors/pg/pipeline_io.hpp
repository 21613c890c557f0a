// libpq pipeline mode on a connection that libpqxx owns: queue commands, send them with one
// flush, read their results without blocking on a full socket, and hand the connection back
// out of pipeline mode. Plain code (no CAF), on the connection actor's thread. Internal to actors/.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace actortx {

struct pq_result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using pq_result = std::unique_ptr<PGresult, pq_result_deleter>;

class pg_pipeline {
 public:
  explicit pg_pipeline(PGconn* conn) noexcept : conn_(conn) {}
  /// Leaves pipeline mode if leave() was not called (the connection is then not trusted).
  ~pg_pipeline();
  pg_pipeline(const pg_pipeline&) = delete;
  pg_pipeline& operator=(const pg_pipeline&) = delete;

  /// Pipeline mode, non-blocking: a large pipeline is written while results are read, so
  /// neither side waits on a full socket buffer. False (see error()) if the connection is not
  /// idle and healthy.
  bool enter();

  // Queue one command each (sent by the flushes of next()); false if libpq refused it.
  // `params` are text values, nullptr for NULL; libpq copies them before returning.
  bool prepare(const std::string& name, const std::string& sql);
  bool exec_prepared(const std::string& name, const std::vector<const char*>& params);
  bool exec(const std::string& sql, const std::vector<const char*>& params);
  bool sync();

  /// The next result of the current command, or null at its end (then the next command's).
  /// A sync point yields one PGRES_PIPELINE_SYNC result and no null. Null with lost() when the
  /// connection broke; results parsed before the break are still returned first.
  pq_result next();

  bool lost() const noexcept { return lost_; }
  /// libpq's message (first line) for the last failure of the connection or of a call.
  const std::string& error() const noexcept { return error_; }

  /// Out of pipeline mode and blocking again, as libpqxx expects. True if that worked; the
  /// caller still checks the transaction status. Call only after the last sync's result.
  bool leave();

 private:
  bool fail();  // records PQerrorMessage; false
  bool wait_socket();

  PGconn* conn_;
  bool entered_ = false;
  bool flushing_ = false;  // queued bytes not yet written
  bool lost_ = false;
  std::string error_;
};

}  // namespace actortx
