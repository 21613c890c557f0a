#include "transfer_saga.hpp"

#include "runtime/tx.hpp"

namespace stress {

namespace {

using actortx::saga_context;
using actortx::tx;

void ledger(tx& t, const saga_context& ctx, const char* kind) {
  t.exec("INSERT INTO ledger(saga_id, kind) VALUES ($1, $2)", ctx.get(actortx::saga_id_key),
         std::string{kind});
}

actortx::step_options step_on(const actortx::tx_options& opts,
                              const actortx::supervisor_actor& where) {
  actortx::step_options o;
  o.tx = opts;
  o.on = where;
  return o;
}

/// One direction: debit on `debit_on`, credit on `credit_on` (a null supervisor is database A,
/// the saga runtime's own).
void define_direction(actortx::saga_registry& reg, const std::string& type,
                      const actortx::supervisor_actor& debit_on,
                      const actortx::supervisor_actor& credit_on,
                      const actortx::tx_options& step_opts, bool allow_negative) {
  reg.define(type)
      .step(
          "debit",
          [allow_negative](tx& t, saga_context& ctx) {
            // The WHERE clause decides under the row lock whether the money is there.
            auto r = t.exec(
                "UPDATE account SET balance = balance - $1 WHERE id = $2 AND ($3 OR balance >= $1)",
                ctx.get_int("amount"), ctx.get_int("from"), allow_negative);
            // A business "no": not retried, nothing to compensate.
            if (r.affected_rows() != 1) throw actortx::rollback{"insufficient funds"};
            ledger(t, ctx, "debit");
          },
          [](tx& t, saga_context& ctx) {
            t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2", ctx.get_int("amount"),
                   ctx.get_int("from"));
            ledger(t, ctx, "refund");
          },
          step_on(step_opts, debit_on))
      .step(
          "credit",
          [](tx& t, saga_context& ctx) {
            auto r =
                t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2 AND NOT frozen",
                       ctx.get_int("amount"), ctx.get_int("to"));
            if (r.affected_rows() != 1) throw actortx::rollback{"target account is frozen"};
            ledger(t, ctx, "credit");
          },
          // Runs when the credit did commit although its outcome said otherwise (its deadline
          // passed first, or the reply was lost): the saga then undoes it with the debit.
          [](tx& t, saga_context& ctx) {
            t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2", ctx.get_int("amount"),
                   ctx.get_int("to"));
            ledger(t, ctx, "uncredit");
          },
          step_on(step_opts, credit_on));
}

}  // namespace

transfer_saga_types define_transfer_sagas(actortx::saga_registry& reg, const std::string& run,
                                          const actortx::supervisor_actor& b,
                                          const actortx::tx_options& step_opts,
                                          bool allow_negative) {
  transfer_saga_types types{run + ":a_to_b", run + ":b_to_a"};
  const actortx::supervisor_actor a;  // null: the saga runtime's own database
  define_direction(reg, types.a_to_b, a, b, step_opts, allow_negative);
  define_direction(reg, types.b_to_a, b, a, step_opts, allow_negative);
  return types;
}

}  // namespace stress
