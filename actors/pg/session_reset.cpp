#include "actors/pg/session_reset.hpp"

#include <string>
#include <vector>

#include <pqxx/nontransaction>

namespace actortx {

namespace {

constexpr const char* reset_sql =
    "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL; UNLISTEN *; "
    "SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES; ";

/// Prepared statements that are not the runtime's ("ax_...", "axp_...").
constexpr const char* foreign_statements_sql =
    "SELECT name FROM pg_prepared_statements WHERE name !~ '^axp?_'";

std::vector<std::string> names_of(const pqxx::result& r) {
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) out.emplace_back(row[0].c_str());
  return out;
}

}  // namespace

void reset_session(pqxx::connection_base& conn) {
  std::vector<std::string> names;
  {
    pqxx::nontransaction w{conn, "actortx_reset"};
    // One simple-query string; the last statement's rows are its result.
    names = names_of(w.exec(std::string{reset_sql} + foreign_statements_sql));
  }
  if (names.empty()) return;
  // libpqxx forgets (and DEALLOCATEs) what it registered; it ignores names it never saw.
  for (const auto& n : names) conn.unprepare(n);
  pqxx::nontransaction w{conn, "actortx_reset"};
  for (const auto& n : names_of(w.exec(foreign_statements_sql)))
    w.exec("DEALLOCATE " + w.quote_name(n));
}

}  // namespace actortx
