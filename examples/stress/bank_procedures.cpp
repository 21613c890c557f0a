#include "bank_procedures.hpp"

#include <stdexcept>
#include <string>

#include <actortx/tx.hpp>

namespace stress {

namespace {

using actortx::proc_args;
using actortx::tx;
using actortx::value_kind;

const std::string debit_sql =
    "UPDATE account SET balance = balance - $1 WHERE id = $2 AND ($3 OR balance >= $1)";
const std::string credit_sql = "UPDATE account SET balance = balance + $1 WHERE id = $2";

void ledger(tx& t, const proc_args& a, const char* kind) {
  t.exec("INSERT INTO ledger(saga_id, kind) VALUES ($1, $2)", a.get_text("saga_id"),
         std::string{kind});
}

/// A compensation: gives back (`sign` +1) or takes back (-1) the step's amount.
void undo(tx& t, const proc_args& a, int64_t sign, const char* kind) {
  t.exec(credit_sql, sign * a.get_int("amount"), a.get_int("account"));
  ledger(t, a, kind);
}

}  // namespace

void define_bank_procedures(actortx::procedure_registry& reg) {
  const actortx::proc_param saga_id{"saga_id", value_kind::text};
  const actortx::proc_param account{"account", value_kind::integer};
  const actortx::proc_param amount{"amount", value_kind::integer};
  const actortx::proc_param allow_negative{"allow_negative", value_kind::boolean};

  reg.define(
      proc::transfer,
      {{"id", value_kind::integer},
       {"from", value_kind::integer},
       {"to", value_kind::integer},
       amount,
       allow_negative},
      [](tx& t, const proc_args& a) {
        if (t.exec(debit_sql, a.get_int("amount"), a.get_int("from"), a.get_bool("allow_negative"))
                .affected_rows() == 0)
          throw actortx::rollback{insufficient_funds};
        if (t.exec(credit_sql, a.get_int("amount"), a.get_int("to")).affected_rows() != 1)
          throw std::runtime_error("credit: account " + std::to_string(a.get_int("to")) +
                                   " not found");
        // The transfer's ledger row (transfer_accounting.hpp); insufficient funds rolls back
        // above, so a ROLLED_BACK answer has none.
        t.exec("INSERT INTO transfer_ledger(id) VALUES ($1)", a.get_int("id"));
      });
  reg.define(proc::debit, {saga_id, account, amount, allow_negative},
             [](tx& t, const proc_args& a) {
               if (t.exec(debit_sql, a.get_int("amount"), a.get_int("account"),
                          a.get_bool("allow_negative"))
                       .affected_rows() != 1)
                 throw actortx::rollback{insufficient_funds};
               ledger(t, a, "debit");
             });
  reg.define(proc::refund, {saga_id, account, amount},
             [](tx& t, const proc_args& a) { undo(t, a, +1, "refund"); });
  reg.define(proc::credit, {saga_id, account, amount}, [](tx& t, const proc_args& a) {
    if (t.exec(credit_sql + " AND NOT frozen", a.get_int("amount"), a.get_int("account"))
            .affected_rows() != 1)
      throw actortx::rollback{"target account is frozen"};
    ledger(t, a, "credit");
  });
  reg.define(proc::uncredit, {saga_id, account, amount},
             [](tx& t, const proc_args& a) { undo(t, a, -1, "uncredit"); });
}

}  // namespace stress
