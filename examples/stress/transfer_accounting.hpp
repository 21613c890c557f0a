// The end-of-run accounting of transfers: every id the workload issued (outcome_book.hpp)
// against the ledger rows of the run's databases, as a verdict for the reports.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <actortx/tooling/html_report.hpp>

#include "invariants.hpp"
#include "outcome_book.hpp"

namespace stress {

/// Where the run's transfer ledgers are: an admin DSN and the bank schema, per database.
struct ledger_place {
  std::string dsn;
  std::string schema;
};

/// DDL of the ledger every transfer writes its id into, in the same transaction: no key, so
/// that a transfer applied twice shows as two rows.
std::string transfer_ledger_ddl(const std::string& quoted_schema);

/// Adds the ledger rows of every place to `book` (read in batches through a cursor: memory
/// stays bounded however long the run was).
void read_transfer_ledgers(const std::vector<ledger_place>& places, outcome_book& book);

/// --misreport-outcome-for-test: flips one recorded outcome and says which on `out`.
void misreport_one_outcome(outcome_book& book, std::ostream& out);

/// Reads the ledgers, checks (check_accounting) and adds a violation to `inv` on a mismatch.
accounting_result account_transfers(const std::vector<ledger_place>& places, outcome_book& book,
                                    invariant_result& inv);

/// "accounting  ..." lines of the text report, with the first mismatching ids.
void print_accounting(std::ostream& os, const accounting_result& a);

/// The accounting lines of the HTML report's invariants (before its verdict line), with the
/// first mismatching ids.
void add_accounting_lines(actortx::run_summary& run, const accounting_result& a);

/// A run that committed nothing proves nothing: a violation when `committed` is 0.
void require_committed_work(invariant_result& inv, int64_t committed);

}  // namespace stress
