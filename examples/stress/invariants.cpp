#include "invariants.hpp"

#include <pqxx/pqxx>

#include "harness_connection.hpp"

namespace stress {

invariant_result check_invariants(const std::string& dsn, const std::string& schema, int accounts,
                                  int64_t initial_balance, bool allow_negative) {
  auto c = harness_connection(dsn);
  // REPEATABLE READ: all three numbers come from one snapshot.
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> w{c};
  // sum(bigint) is numeric: compare its text, so that no overflow can hide a violation.
  auto row = w.exec1(
      "SELECT count(*), coalesce(sum(balance), 0)::text, "
      "count(*) FILTER (WHERE balance < 0), coalesce(min(balance), 0) FROM " +
      c.quote_name(schema) + ".account");
  auto count = row[0].as<int64_t>();
  auto sum = row[1].as<std::string>();
  auto negative = row[2].as<int64_t>();
  auto min_balance = row[3].as<int64_t>();

  invariant_result out;
  auto add = [&](const std::string& what) {
    out.ok = false;
    if (!out.details.empty()) out.details += "; ";
    out.details += what;
  };
  if (count != accounts)
    add("count(*) = " + std::to_string(count) + ", expected " + std::to_string(accounts));
  auto expected = std::to_string(static_cast<int64_t>(accounts) * initial_balance);
  if (sum != expected) add("sum(balance) = " + sum + ", expected " + expected);
  if (!allow_negative && negative > 0)
    add(std::to_string(negative) + " negative balance(s), lowest " + std::to_string(min_balance));
  return out;
}

}  // namespace stress
