// What a benchmark prints about its server (version, durability), and turning the embedded
// throwaway cluster durable for a run.
#pragma once

#include <string>

#include <actortx/tooling/embedded_postgres.hpp>

namespace bench {

/// "PostgreSQL 15.x, fsync=…, synchronous_commit=…, full_page_writes=…", read from the server:
/// printed beside every figure, since durability moves TPS more than anything measured here.
std::string server_settings(const std::string& dsn);

/// The value of one setting (current_setting).
std::string server_setting(const std::string& dsn, const std::string& name);

/// Restarts the embedded cluster with fsync=on and full_page_writes=on (its other options
/// kept). The cluster passes fsync=off on the postmaster's command line, which beats
/// ALTER SYSTEM, so this restarts it with pg_ctl and the command line recorded in
/// postmaster.opts, edited; as the postgres user when we are root, as the cluster does.
/// Throws std::runtime_error with pg_ctl's output if it does not come back durable.
void make_durable(const actortx::embedded_postgres& pg, const std::string& dsn);

/// The server a benchmark runs on, as dsn_or_embedded() picks it (a given DSN, $ACTORTX_DSN,
/// PG* variables, else a throwaway cluster, which it says on stderr); with `durable`, that
/// cluster restarted with fsync=on (make_durable). Throws std::runtime_error for `durable` on a
/// server that is not the embedded one. Keep the result alive for the whole run.
actortx::postgres_target open_server(const std::string& dsn, bool durable);

/// /proc/loadavg's first three fields: other work on the machine moves every figure.
std::string load_average();

}  // namespace bench
