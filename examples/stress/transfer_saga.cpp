#include "transfer_saga.hpp"

#include <actortx/tx.hpp>

#include "bank_procedures.hpp"

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
  transfer_saga_types types{{run + ":a_to_b"}, {run + ":b_to_a"}};
  const actortx::supervisor_actor a;  // null: the saga runtime's own database
  define_direction(reg, types.a_to_b.front(), a, b, step_opts, allow_negative);
  define_direction(reg, types.b_to_a.front(), b, a, step_opts, allow_negative);
  return types;
}

namespace {

actortx::step_options on_node(const actortx::tx_options& opts, const std::string& node) {
  actortx::step_options o;
  o.tx = opts;
  o.node = node;
  return o;
}

/// One direction between two workers: the steps are procedure calls, their arguments taken
/// from the context (and bound as parameters on the worker).
void define_node_direction(actortx::saga_registry& reg, const std::string& type,
                           const std::string& debit_node, const std::string& credit_node,
                           const actortx::tx_options& step_opts, bool allow_negative) {
  using actortx::procedure_call;
  reg.define(type)
      .step(
          "debit",
          [allow_negative](const saga_context& ctx) {
            return procedure_call::make(proc::debit, ctx.get(actortx::saga_id_key),
                                        ctx.get_int("from"), ctx.get_int("amount"), allow_negative);
          },
          [](const saga_context& ctx) {
            return procedure_call::make(proc::refund, ctx.get(actortx::saga_id_key),
                                        ctx.get_int("from"), ctx.get_int("amount"));
          },
          on_node(step_opts, debit_node))
      .step(
          "credit",
          [](const saga_context& ctx) {
            return procedure_call::make(proc::credit, ctx.get(actortx::saga_id_key),
                                        ctx.get_int("to"), ctx.get_int("amount"));
          },
          [](const saga_context& ctx) {
            return procedure_call::make(proc::uncredit, ctx.get(actortx::saga_id_key),
                                        ctx.get_int("to"), ctx.get_int("amount"));
          },
          on_node(step_opts, credit_node));
}

}  // namespace

transfer_saga_types define_node_transfer_sagas(actortx::saga_registry& reg, const std::string& run,
                                               const std::vector<std::string>& a_workers,
                                               const std::vector<std::string>& b_workers,
                                               const actortx::tx_options& step_opts,
                                               bool allow_negative) {
  transfer_saga_types types;
  for (const auto& a : a_workers)
    for (const auto& b : b_workers) {
      types.a_to_b.push_back(run + ":a_to_b:" + a + ":" + b);
      define_node_direction(reg, types.a_to_b.back(), a, b, step_opts, allow_negative);
      types.b_to_a.push_back(run + ":b_to_a:" + b + ":" + a);
      define_node_direction(reg, types.b_to_a.back(), b, a, step_opts, allow_negative);
    }
  return types;
}

}  // namespace stress
