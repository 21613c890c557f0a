#include "saga_invariants.hpp"

#include <map>
#include <stdexcept>

#include <pqxx/pqxx>

#include "harness_connection.hpp"
#include "run_sagas.hpp"

namespace stress {

namespace {

/// Per saga id, how often each ledger kind was applied (summed over both databases).
using ledger_counts = std::map<std::string, std::map<std::string, int64_t>>;

struct database_figures {
  std::string sum;  ///< numeric as text: no overflow can hide a violation
  int64_t negative = 0;
  int64_t min_balance = 0;
};

database_figures read_database(const std::string& dsn, const std::string& schema,
                               ledger_counts& ledger) {
  auto c = harness_connection(dsn);
  // One snapshot for balances and ledger.
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> w{c};
  auto s = c.quote_name(schema);
  auto row = w.exec1(
      "SELECT coalesce(sum(balance), 0)::text, count(*) FILTER (WHERE balance < 0), "
      "coalesce(min(balance), 0) FROM " +
      s + ".account");
  database_figures f{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()};
  for (const auto& r : w.exec("SELECT saga_id, kind, count(*) FROM " + s + ".ledger GROUP BY 1, 2"))
    ledger[r[0].as<std::string>()][r[1].as<std::string>()] += r[2].as<int64_t>();
  return f;
}

int64_t count_of(const std::map<std::string, int64_t>& kinds, const char* kind) {
  auto i = kinds.find(kind);
  return i == kinds.end() ? 0 : i->second;
}

}  // namespace

invariant_result check_saga_invariants(const saga_data& d, int accounts, int64_t initial_balance,
                                       bool allow_negative, const saga_workload_result& seen,
                                       saga_log_summary& summary) {
  invariant_result out;
  auto add = [&](const std::string& what) {
    out.ok = false;
    if (!out.details.empty()) out.details += "; ";
    out.details += what;
  };

  ledger_counts ledger;
  auto a = read_database(d.dsn_a, d.schema_a, ledger);
  auto b = read_database(d.dsn_b, d.schema_b, ledger);

  // Money. Each sum fits a bigint when nothing is wrong (options checked 2 * accounts * initial).
  auto expected = static_cast<__int128>(2) * accounts * initial_balance;
  try {
    auto total = static_cast<__int128>(std::stoll(a.sum)) + std::stoll(b.sum);
    if (total != expected)
      add("sum(balance) over A and B = " + a.sum + " + " + b.sum + ", expected " +
          std::to_string(static_cast<int64_t>(expected)));
  } catch (const std::out_of_range&) {
    add("sum(balance) out of range: A " + a.sum + ", B " + b.sum);
  }
  if (!allow_negative) {
    for (const auto& [name, f] : {std::pair{"A", a}, std::pair{"B", b}})
      if (f.negative > 0)
        add(std::to_string(f.negative) + " negative balance(s) in " + name + ", lowest " +
            std::to_string(f.min_balance));
  }

  // The log: every saga of the run, by state.
  std::map<std::string, std::string> state;
  {
    auto c = harness_connection(d.dsn_a);
    pqxx::nontransaction w{c};
    for (const auto& r : w.exec_params("SELECT id, state, error FROM actortx.saga WHERE id LIKE $1",
                                       saga_id_pattern(d.run))) {
      auto id = r[0].as<std::string>();
      auto st = r[1].as<std::string>();
      state[id] = st;
      if (st == "COMMITTED") {
        ++summary.committed;
      } else if (st == "COMPENSATED") {
        ++summary.compensated;
      } else {
        ++(st == "FAILED" ? summary.failed : summary.unfinished);
        if (summary.failed + summary.unfinished == 1)  // name the first one
        {
          auto error = r[2].as<std::string>().substr(0, 120);
          add("saga " + id + " is " + st + (error.empty() ? "" : " (" + error + ")"));
        }
      }
    }
  }
  if (summary.failed + summary.unfinished > 1)
    add(std::to_string(summary.failed) + " saga(s) FAILED and " +
        std::to_string(summary.unfinished) + " unfinished in total");
  if (static_cast<int64_t>(state.size()) != seen.started)
    add(std::to_string(seen.started) + " sagas started, but " + std::to_string(state.size()) +
        " in the log");

  // The ledger: nothing twice, and what the log says happened did happen.
  int64_t twice = 0, disagree = 0;
  std::string first_twice, first_disagree;
  for (const auto& [id, kinds] : ledger) {
    summary.refunds += count_of(kinds, "refund");
    summary.uncredits += count_of(kinds, "uncredit");
    for (const auto& [kind, n] : kinds)
      if (n > 1 && twice++ == 0)
        first_twice = "saga " + id + ": " + kind + " applied " + std::to_string(n) + " times";
    if (!state.count(id) && disagree++ == 0)
      first_disagree = "saga " + id + " changed data but is not in the log";
  }
  for (const auto& [id, st] : state) {
    auto i = ledger.find(id);
    static const std::map<std::string, int64_t> none;
    const auto& kinds = i == ledger.end() ? none : i->second;
    auto debit = count_of(kinds, "debit"), credit = count_of(kinds, "credit");
    auto refund = count_of(kinds, "refund"), uncredit = count_of(kinds, "uncredit");
    std::string why;
    if (st == "COMMITTED" && (debit != 1 || credit != 1 || refund != 0 || uncredit != 0))
      why = "is COMMITTED, but its ledger is incomplete or undone";
    else if (st == "COMPENSATED" && (refund != debit || uncredit != credit))
      why = "is COMPENSATED, but not every applied step was undone";
    if (!why.empty() && disagree++ == 0) first_disagree = "saga " + id + " " + why;
  }
  if (twice > 0) add(std::to_string(twice) + " step(s) applied twice, e.g. " + first_twice);
  if (disagree > 0)
    add(std::to_string(disagree) + " saga(s) whose ledger disagrees with the log, e.g. " +
        first_disagree);

  // What the callers were told.
  int64_t misreported = 0;
  std::string first_misreported;
  for (const auto& [id, st] : seen.reported) {
    auto i = state.find(id);
    std::string logged = i == state.end() ? "missing" : i->second;
    if (logged != actortx::to_string(st) && misreported++ == 0)
      first_misreported =
          "saga " + id + " reported " + actortx::to_string(st) + ", log says " + logged;
  }
  if (misreported > 0)
    add(std::to_string(misreported) + " outcome(s) disagree with the log, e.g. " +
        first_misreported);
  return out;
}

}  // namespace stress
