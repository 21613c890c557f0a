// A throwaway PostgreSQL cluster for the demo, the tests and the benchmarks.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <actortx/runtime_config.hpp>  // dsn_from_environment

namespace actortx {

/// initdb's a cluster in a fresh temp dir, starts it on a free port (unix socket in the temp
/// dir, TCP on 127.0.0.1), and stops and deletes it again in the destructor. When run as
/// root, the server runs as the `postgres` user (PostgreSQL refuses root). A small reaper
/// process also stops and deletes the cluster when the owner dies in any other way (SIGKILL,
/// crash, abort), so no server is ever left behind.
class embedded_postgres {
 public:
  struct options {
    /// Directory of initdb/pg_ctl/postgres; empty: auto-detect (newest
    /// /usr/lib/postgresql/*/bin, else PATH).
    std::string bin_dir;
    /// Parent of the temp dir; empty: $TMPDIR or /tmp.
    std::string parent_dir;
    int max_connections = 200;
    /// Reap the cluster when this process exits (default: the owning process itself).
    /// The CTest fixture sets this to CTest's pid so the cluster lives for the whole suite.
    pid_t reap_when_pid_exits = 0;
    /// Keep the cluster after the destructor (only with reap_when_pid_exits).
    bool detach = false;
  };

  /// Starts the cluster. Throws std::runtime_error with a clear message (and the tail of the
  /// server log) if a binary is missing or the server does not come up.
  embedded_postgres();
  explicit embedded_postgres(options opts);
  ~embedded_postgres();

  embedded_postgres(const embedded_postgres&) = delete;
  embedded_postgres& operator=(const embedded_postgres&) = delete;

  /// Unix-socket DSN: "host=<dir> port=<port> user=postgres dbname=postgres".
  const std::string& dsn() const noexcept { return dsn_; }
  /// TCP DSN on 127.0.0.1 (for tests that put a proxy in between).
  std::string tcp_dsn() const;
  uint16_t port() const noexcept { return port_; }
  const std::string& data_dir() const noexcept { return data_dir_; }
  const std::string& base_dir() const noexcept { return base_dir_; }

  /// pg_ctl restart -m fast (fault injection); blocks until the server accepts connections.
  void restart();
  /// A crash (fault injection): SIGKILL of the postmaster and all its children (backends and
  /// auxiliary processes, stopped first so none can be forked meanwhile), waits until they
  /// are gone, removes the lock files they left, starts the server again on the same port
  /// (crash recovery) and blocks until it accepts connections. Returns what it did, for a
  /// log; std::runtime_error (with the server log's tail) if the server does not come back.
  std::string crash_and_recover();
  /// Stops the server (-m fast) and deletes the temp dir. Idempotent.
  void stop() noexcept;

 private:
  options opts_;
  std::string bin_dir_;
  std::string base_dir_;  // temp dir: data/, socket, log
  std::string data_dir_;
  std::string dsn_;
  uint16_t port_ = 0;
  pid_t reaper_pid_ = 0;
  int reaper_fd_ = -1;
  bool running_ = false;

  // Implementation details (runtime/embedded_postgres.cpp).
  std::string log_file_;      // the server's log (pg_ctl -l)
  std::string ctl_log_;       // output of initdb / pg_ctl, for error messages
  std::string runuser_;       // runuser path, for the reaper when we are root
  bool as_postgres_ = false;  // root: run initdb/pg_ctl as the postgres user
  uid_t pg_uid_ = 0;
  gid_t pg_gid_ = 0;
  bool cleaned_up_ = false;  // stop() has removed the base dir

  void make_base_dir();
  void start_reaper();
  void start_server();
  std::vector<std::string> server_options() const;
  int pg_ctl(const std::vector<std::string>& args) noexcept;
  int pg_ctl_start() noexcept;  // pg_ctl start -w on port_ with server_options()
  int run_tool(const std::vector<std::string>& argv) noexcept;
  std::string failure(const std::string& what) const;
};

/// Where a program's PostgreSQL comes from: dsn_or_embedded()'s choice, first match wins.
enum class postgres_source {
  given,                ///< the DSN passed in (e.g. the program's first argument)
  actortx_environment,  ///< $ACTORTX_DSN, else the first line of the file in $ACTORTX_DSN_FILE
  libpq_environment,    ///< a PG* connection variable is set: libpq's own defaults decide
  embedded,             ///< none of these: a throwaway cluster started for this program
};

/// "given", "actortx_environment", "libpq_environment" or "embedded".
const char* to_string(postgres_source s) noexcept;

/// Where a program's database is: a DSN, and the embedded cluster behind it if we started one
/// (keep this object alive as long as the DSN is in use; the cluster goes with it).
struct postgres_target {
  std::string dsn;
  std::unique_ptr<embedded_postgres> embedded;  ///< null for a given or configured server
  postgres_source source = postgres_source::given;
};

/// The variables that make dsn_or_embedded() leave the server to libpq: PGHOST, PGHOSTADDR,
/// PGPORT, PGDATABASE, PGUSER, PGSERVICE (set and not empty). PGPASSWORD, PGSSLMODE and the
/// like alone do not: they say how to connect, not where.
const std::vector<std::string>& libpq_connection_variables();

/// dsn_or_embedded()'s choice for `dsn`, without reading a file or starting anything.
postgres_source choose_postgres_source(const std::string& dsn);

/// The database of a first program, a test or a demo, in this order:
/// 1. `dsn` if not empty;
/// 2. else $ACTORTX_DSN, else the first line of the file named by $ACTORTX_DSN_FILE (a missing,
///    unreadable or empty file throws std::runtime_error naming it: never a silent fallback);
/// 3. else, if any of libpq_connection_variables() is set, an empty DSN: libpq's environment
///    decides (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE, ~/.pgpass), as in psql;
/// 4. else a throwaway PostgreSQL started now (embedded_postgres; needs initdb and pg_ctl) and
///    removed when the returned object goes.
/// Unless the DSN or $PGCONNECT_TIMEOUT bounds connecting, "connect_timeout=10" is added (libpq
/// otherwise waits for ever on a server that accepts and never answers): in case 3 it is the
/// whole DSN. Pass the result's dsn to runtime_config::dsn.
postgres_target dsn_or_embedded(const std::string& dsn = {});

}  // namespace actortx
