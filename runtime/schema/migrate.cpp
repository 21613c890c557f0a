#include "runtime/schema/migrate.hpp"

#include <pqxx/pqxx>

namespace actortx {

namespace {

const std::string lock_sql =
    "SELECT pg_advisory_xact_lock(" + std::to_string(schema_lock_key) + ")";

/// Inside the locked transaction; before migration 1 there is no version table to read.
int locked_version(pqxx::transaction_base& w) {
  if (w.exec1("SELECT to_regclass('actortx.schema_version') IS NULL")[0].as<bool>()) return 0;
  return w.exec1("SELECT coalesce(max(version), 0) FROM actortx.schema_version")[0].as<int>();
}

[[noreturn]] void refuse_newer(pqxx::transaction_base& w, int found, int known) {
  std::string who;
  auto r = w.exec_params(
      "SELECT name, applied_by, applied_from, applied_at::text FROM actortx.schema_version "
      "WHERE version = $1",
      found);
  if (!r.empty())
    who = " (\"" + r[0][0].as<std::string>() + "\", applied by " +
          (r[0][1].as<std::string>().empty() ? r[0][2].as<std::string>()
                                             : r[0][1].as<std::string>()) +
          " at " + r[0][3].as<std::string>() + ")";
  throw schema_too_new(found, known,
                       "the database's actortx schema is at version " + std::to_string(found) +
                           who + ", newer than version " + std::to_string(known) +
                           ", the newest this binary knows: run a newer actortx (an older one "
                           "must not write a layout it does not know)");
}

/// Applies `m` unless a node that held the lock before us did; true if we applied it.
bool apply(pqxx::connection_base& conn, const schema_migration& m, int known,
           const std::string& applied_by) {
  pqxx::work w{conn, "actortx_migration"};
  w.exec(lock_sql);
  const int now = locked_version(w);
  if (now > known) refuse_newer(w, now, known);
  if (now >= m.version) return false;
  // Adopting a database from before versioning skips what exists: no NOTICE per object.
  w.exec("SET LOCAL client_min_messages = warning");
  w.exec(std::string{m.sql});
  w.exec_params(
      "INSERT INTO actortx.schema_version (version, name, applied_by) VALUES ($1, $2, $3)",
      m.version, std::string{m.name}, applied_by);
  w.commit();
  return true;
}

}  // namespace

int read_schema_version(pqxx::connection_base& conn) {
  pqxx::nontransaction w{conn, "actortx_schema_version"};
  try {
    return w.exec1("SELECT coalesce(max(version), 0) FROM actortx.schema_version")[0].as<int>();
  } catch (const pqxx::undefined_table&) {
    return 0;  // before migration 1: not even the schema, or a layout from before versioning
  }
}

schema_report migrate_schema(pqxx::connection_base& conn, const std::string& applied_by,
                             const std::vector<schema_migration>& migrations) {
  schema_report report;
  const int known = migrations.empty() ? 0 : migrations.back().version;
  report.found = read_schema_version(conn);
  if (report.found > known) {
    pqxx::nontransaction w{conn, "actortx_schema_version"};
    refuse_newer(w, report.found, known);
  }
  for (const auto& m : migrations)
    if (m.version > report.found && apply(conn, m, known, applied_by))
      report.applied.push_back(m.version);
  report.current = known;
  return report;
}

}  // namespace actortx
