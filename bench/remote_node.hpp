// The node processes of actortx-bench-remote (the benchmark started again with --serve) and the
// trivial procedure every measured call runs, locally and remotely alike.
#pragma once

#include <cstddef>
#include <string>

#include <actortx/procedure_registry.hpp>

namespace bench::remote {

/// "ping"(n integer): SELECT $1::bigint. Trivial on purpose: what is measured is the way to
/// the database and back, not the database.
void define_ping(actortx::procedure_registry& procs);

/// A node on 127.0.0.1:0 offering "ping": TLS with <tls_dir>/<id>.pem, <id>.key and ca.pem, or
/// loopback plain TCP when `tls_dir` is empty. Prints "listening on PORT" and runs until its
/// stdin closes. Returns the exit code.
int serve(const std::string& dsn, const std::string& id, const std::string& tls_dir,
          size_t pool_max, const std::string& log_level);

}  // namespace bench::remote
