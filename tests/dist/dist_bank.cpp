#include "dist/dist_bank.hpp"

#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

namespace actortx::test {

void create_bank(const std::string& dsn, int accounts, long balance, const std::string& frozen) {
  pqxx::connection c{dsn};
  pqxx::work w{c};
  w.exec(
      "CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL, "
      "frozen boolean NOT NULL DEFAULT false)");
  w.exec("CREATE TABLE ledger (seq bigserial PRIMARY KEY, ref text NOT NULL, kind text NOT NULL)");
  w.exec_params("INSERT INTO account(id, balance) SELECT i, $2 FROM generate_series(1, $1) i",
                accounts, balance);
  if (!frozen.empty()) w.exec("UPDATE account SET frozen = true WHERE id IN (" + frozen + ")");
  w.commit();
}

namespace {

/// Adds `amount` (may be negative) to `account` and writes a ledger row `kind` for `ref`.
void book(tx& t, const proc_args& a, long sign, const char* kind, bool refuse_frozen) {
  const auto account = a.get_int("account");
  auto r = t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2 AND NOT (frozen AND $3)",
                  sign * a.get_int("amount"), account, refuse_frozen);
  if (r.affected_rows() != 1)
    throw rollback{"account " + std::to_string(account) + " is frozen or does not exist"};
  t.exec("INSERT INTO ledger(ref, kind) VALUES ($1, $2)", a.get_text("ref"), std::string{kind});
}

}  // namespace

void define_bank_procedures(procedure_registry& procs) {
  const std::vector<proc_param> booking{
      {"ref", value_kind::text}, {"account", value_kind::integer}, {"amount", value_kind::integer}};
  procs.define("credit", booking, [](tx& t, const proc_args& a) {
    t.exec("SELECT pg_advisory_xact_lock($1)", a.get_int("account"));
    book(t, a, +1, "credit", true);
  });
  procs.define("uncredit", booking,
               [](tx& t, const proc_args& a) { book(t, a, -1, "uncredit", false); });
  procs.define("ping", {{"n", value_kind::integer}}, [](tx& t, const proc_args& a) {
    t.query_value<int64_t>("SELECT $1::bigint", a.get_int("n"));
  });
  // Stores its arguments twice: read as numbers (get_int, get_real) and as bound text (sql).
  procs.define("keep_numbers",
               {{"ref", value_kind::text},
                {"n", value_kind::integer},
                {"x", value_kind::real, false, /*non_finite=*/true}},
               [](tx& t, const proc_args& a) {
                 t.exec(statement{"INSERT INTO numbers VALUES ($1, $2, NULL, $3::float8)",
                                  {a.sql("ref"), a.sql("n"), a.sql("x")}});
                 t.exec("UPDATE numbers SET x = $1 WHERE ref = $2", a.get_real("x"),
                        a.get_text("ref"));
               });
}

void define_transfer_saga(saga_registry& sagas) {
  step_options on_b;
  on_b.node = "b";
  sagas.define("transfer")
      .step("debit", saga_body{[](tx& t, saga_context& ctx) {
              auto r = t.exec(
                  "UPDATE account SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
                  ctx.get_int("amount"), ctx.get_int("from"));
              if (r.affected_rows() != 1) throw rollback{"insufficient funds"};
              t.exec("INSERT INTO ledger(ref, kind) VALUES ($1, 'debit')", ctx.get(saga_id_key));
            }},
            saga_body{[](tx& t, saga_context& ctx) {
              t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2",
                     ctx.get_int("amount"), ctx.get_int("from"));
              t.exec("INSERT INTO ledger(ref, kind) VALUES ($1, 'refund')", ctx.get(saga_id_key));
            }})
      .step("credit", saga_call{[](const saga_context& ctx) {
              return procedure_call::make("credit", ctx.get(saga_id_key), ctx.get_int("to"),
                                          ctx.get_int("amount"));
            }},
            saga_call{[](const saga_context& ctx) {
              return procedure_call::make("uncredit", ctx.get(saga_id_key), ctx.get_int("to"),
                                          ctx.get_int("amount"));
            }},
            on_b)
      .step("approve", saga_body{[](tx& t, saga_context& ctx) {
              const auto limit = ctx.has("limit") ? ctx.get_int("limit") : 1000;
              if (ctx.get_int("amount") > limit) throw rollback{"over the limit"};
              t.exec("INSERT INTO ledger(ref, kind) VALUES ($1, 'approve')", ctx.get(saga_id_key));
            }});
}

}  // namespace actortx::test
