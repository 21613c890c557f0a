// Versioned migrations of actortx's own tables (schema "actortx": idempotency keys, saga log),
// applied when a runtime starts, in place of DDL re-run at every start.
//
//  * actortx.schema_version holds one row per applied migration (version, name, applied_at,
//    applied_by: the node, applied_from: role@client address). The database's version is its
//    max(version); 0 when the table is missing.
//  * At start: one query reads the version. Current: nothing else happens (no DDL, no lock).
//    Older: each missing migration runs in a transaction of its own that first takes the
//    transaction-scoped advisory lock schema_lock_key, reads the version again (another node
//    may have applied it meanwhile: then it is skipped), runs the migration's SQL and inserts
//    its version row, and commits: so among nodes starting at once each migration runs once.
//    Newer: refused (schema_too_new), because an older binary must not write a layout it does
//    not know (its SQL could break the newer one's invariants, silently).
//  * Migration 1 also adopts a database from before versioning (tables there, no version
//    table): it creates only what is missing and replaces the functions, keeping the rows.
//  * Every migration runs whether sagas are on or off: a version names one layout, shared by
//    every node on the database, and the saga tables cost nothing while empty.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/connection_base>

#include "runtime/schema/migrations.hpp"

namespace actortx {

/// The advisory lock key of migrations: the bigint whose bytes spell "actortx" in ASCII,
/// i.e. SELECT pg_advisory_xact_lock(27412424478061688) (advisory keys are per database).
inline constexpr int64_t schema_lock_key = 0x6163746f727478;

/// The database's actortx schema is newer than this binary knows. what() names both versions.
class schema_too_new : public std::runtime_error {
 public:
  schema_too_new(int found, int known, const std::string& what)
      : std::runtime_error(what), found_(found), known_(known) {}
  int found() const noexcept { return found_; }
  int known() const noexcept { return known_; }

 private:
  int found_;
  int known_;
};

/// What a start found and did.
struct schema_report {
  int found = 0;             ///< the version before (0: no version table)
  int current = 0;           ///< the version after
  std::vector<int> applied;  ///< the migrations this call applied (others may have raced us)
};

/// The database's version: max(version) of actortx.schema_version, 0 without the table.
int read_schema_version(pqxx::connection_base& conn);

/// Brings the database to the last of `migrations` (by default this binary's), as described
/// above. `applied_by` names the node in the version rows. In the caller's thread, before the
/// actors run (it blocks on the lock while another node migrates). Throws schema_too_new, or
/// pqxx errors when a migration fails (it then rolls back whole, version row included).
schema_report migrate_schema(pqxx::connection_base& conn, const std::string& applied_by,
                             const std::vector<schema_migration>& migrations = schema_migrations());

}  // namespace actortx
