#include "transfer.hpp"

#include <stdexcept>
#include <string>

#include <actortx/runtime.hpp>

#include "bank_procedures.hpp"

namespace stress {

namespace {

// $3 = allow negative. The WHERE clause decides atomically, under the row lock, whether the
// money is there: no read-then-write race even at READ COMMITTED.
const std::string debit_sql =
    "UPDATE account SET balance = balance - $1 WHERE id = $2 AND ($3 OR balance >= $1)";
const std::string credit_sql = "UPDATE account SET balance = balance + $1 WHERE id = $2";
const std::string ledger_sql = "INSERT INTO transfer_ledger(id) VALUES ($1)";

}  // namespace

transfer_result run_transfer(actortx::runtime& rt, const actortx::tx_options& opts,
                             const transfer& t, bool allow_negative) {
  transfer_result r;
  // The blocking API returns only once the body no longer runs, so capturing by reference is
  // safe. The body may run several times (retries): it resets `skipped` first.
  r.outcome = rt.transact(opts, [&](actortx::tx& tx) {
    r.skipped = false;
    tx.exec(ledger_sql, t.id);  // committed <=> this row: the accounting at the end checks it
    if (tx.exec(debit_sql, t.amount, t.from, allow_negative).affected_rows() == 0) {
      r.skipped = true;  // commit the ledger row alone: the transfer was answered, moved nothing
      return;
    }
    // Throwing rolls the debit back: a lost credit must never look like a committed transfer.
    if (tx.exec(credit_sql, t.amount, t.to).affected_rows() != 1)
      throw std::runtime_error("credit: account " + std::to_string(t.to) + " not found");
  });
  return r;
}

transfer_result run_remote_transfer(actortx::runtime& rt, const std::string& node,
                                    const actortx::tx_options& opts, const transfer& t,
                                    bool allow_negative) {
  transfer_result r;
  r.outcome = rt.call_on(
      node, opts,
      actortx::procedure_call::make(proc::transfer, t.id, t.from, t.to, t.amount, allow_negative));
  r.skipped = r.outcome.state == actortx::tx_state::rolled_back &&
              r.outcome.message.find(insufficient_funds) != std::string::npos;
  return r;
}

}  // namespace stress
