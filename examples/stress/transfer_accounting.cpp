#include "transfer_accounting.hpp"

#include <ostream>

#include <pqxx/pqxx>

#include "harness_connection.hpp"

namespace stress {

namespace {

constexpr int fetch_batch = 10000;

void add_violation(invariant_result& inv, const std::string& what) {
  inv.ok = false;
  if (!inv.details.empty()) inv.details += "; ";
  inv.details += what;
}

}  // namespace

std::string transfer_ledger_ddl(const std::string& quoted_schema) {
  return "CREATE TABLE " + quoted_schema + ".transfer_ledger(id bigint NOT NULL)";
}

void read_transfer_ledgers(const std::vector<ledger_place>& places, outcome_book& book) {
  for (const auto& p : places) {
    auto c = harness_connection(p.dsn);
    pqxx::work w{c};
    w.exec("DECLARE ledger_rows NO SCROLL CURSOR FOR SELECT id FROM " + c.quote_name(p.schema) +
           ".transfer_ledger");
    for (;;) {
      auto rows = w.exec("FETCH FORWARD " + std::to_string(fetch_batch) + " FROM ledger_rows");
      for (const auto& r : rows) book.add_row(r[0].as<int64_t>());
      if (rows.size() < static_cast<size_t>(fetch_batch)) break;
    }
  }
}

void misreport_one_outcome(outcome_book& book, std::ostream& out) {
  booked was = booked::none;
  const auto id = book.misreport_one(was);
  if (id == 0) {
    out << "misreport: no transfer to misreport\n";
    return;
  }
  out << "misreported: tx " << id << " recorded as " << to_string(book.outcome(id))
      << " though it was answered " << to_string(was) << '\n';
}

accounting_result account_transfers(const std::vector<ledger_place>& places, outcome_book& book,
                                    invariant_result& inv) {
  read_transfer_ledgers(places, book);
  auto a = check_accounting(book);
  if (!a.ok()) {
    std::string ids;
    for (size_t i = 0; i < a.examples.size() && i < 3; ++i) ids += (i ? ", " : "") + a.examples[i];
    add_violation(inv, std::to_string(a.mismatches) +
                           " transfer outcome(s) disagree with the ledger, e.g. " + ids);
  }
  return a;
}

void print_accounting(std::ostream& os, const accounting_result& a) {
  os << "accounting (COMMITTED: one ledger row; ROLLED_BACK, FAILED, TIMEOUT: none; IN_DOUBT: "
        "either)\n";
  os << "  " << describe(a) << '\n';
  for (const auto& e : a.examples) os << "    " << e << '\n';
  if (a.mismatches > static_cast<int64_t>(a.examples.size()))
    os << "    ... " << a.mismatches - static_cast<int64_t>(a.examples.size()) << " more\n";
}

void add_accounting_lines(actortx::run_summary& run, const accounting_result& a) {
  std::vector<std::string> lines{
      "every transfer accounted for (COMMITTED: exactly one ledger row; ROLLED_BACK, FAILED, "
      "TIMEOUT: none; IN_DOUBT: either): " +
      describe(a)};
  for (const auto& e : a.examples) lines.push_back("mismatch: " + e);
  auto at = run.invariant_lines.empty() ? run.invariant_lines.end()
                                        : run.invariant_lines.end() - 1;  // before the verdict
  run.invariant_lines.insert(at, lines.begin(), lines.end());
}

void require_committed_work(invariant_result& inv, int64_t committed) {
  if (committed <= 0)
    add_violation(inv, "nothing committed: a run that did no work proves nothing");
}

}  // namespace stress
