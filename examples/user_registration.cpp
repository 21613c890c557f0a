// A saga: register a user in three steps (user row, account row, welcome e-mail as an outbox
// row); when a later step fails, the earlier ones are compensated in reverse order.
//
//   user_registration [DSN]   (see example_usage.hpp for where the database comes from)
#include <iostream>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using actortx::saga_context;
using actortx::tx;

namespace {

const example::usage usage{
    "user_registration [DSN]",
    "A saga in three steps: a users row, an accounts row, a welcome e-mail as an outbox row.\n"
    "\"ada\" registers (COMMITTED); \"bob\" fails at the third step and steps 2 and 1 are\n"
    "compensated in reverse order (COMPENSATED). Empties tables users, accounts and outbox\n"
    "(created if missing) first, and creates actortx's saga log in the database.",
    "  DSN          the PostgreSQL to use (optional, see below)\n"};

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 1)) return *exit;
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives the runtime

  // Saga types are registered before the runtime starts: after a crash, a restarted node
  // must know them to finish or compensate what was in flight.
  actortx::saga_registry sagas;
  sagas.define("user_registration")
      .step(
          "create_user",
          [](tx& t, saga_context& ctx) {
            // Whatever a step writes into the context is kept with the saga (and logged).
            ctx.set("user_id",
                    t.query_value<int64_t>("INSERT INTO users(name) VALUES ($1) RETURNING id",
                                           ctx.get("name")));
          },
          [](tx& t, saga_context& ctx) {
            t.exec("DELETE FROM users WHERE id = $1", ctx.get_int("user_id"));
          })
      .step(
          "create_account",
          [](tx& t, saga_context& ctx) {
            ctx.set("account_id",
                    t.query_value<int64_t>("INSERT INTO accounts(user_id) VALUES ($1) RETURNING id",
                                           ctx.get_int("user_id")));
          },
          [](tx& t, saga_context& ctx) {
            t.exec("DELETE FROM accounts WHERE id = $1", ctx.get_int("account_id"));
          })
      // The e-mail itself is sent by whoever drains the outbox: a saga step must not have
      // effects outside the database that are unsafe to repeat.
      .step("send_welcome", [](tx& t, saga_context& ctx) {
        t.exec("INSERT INTO outbox(user_id, address) VALUES ($1, $2)", ctx.get_int("user_id"),
               ctx.get("email"));
      });

  actortx::runtime_config cfg;
  cfg.dsn = db.dsn;
  cfg.log_level = "error";
  actortx::runtime rt{cfg, std::move(sagas)};
  auto setup = rt.transact([](tx& t) {
    t.exec("CREATE TABLE IF NOT EXISTS users(id serial PRIMARY KEY, name text UNIQUE NOT NULL)");
    t.exec("CREATE TABLE IF NOT EXISTS accounts(id serial PRIMARY KEY, user_id int NOT NULL)");
    t.exec(
        "CREATE TABLE IF NOT EXISTS outbox(id serial PRIMARY KEY, user_id int NOT NULL, "
        "address text NOT NULL CHECK (address LIKE '%@%'))");
    // A fresh start on every run, so that "ada" can register again.
    t.exec("TRUNCATE users, accounts, outbox RESTART IDENTITY");
  });
  setup.throw_if_failed();

  // The second address violates the outbox's CHECK: step 3 fails, steps 2 and 1 are undone.
  for (const auto& [name, email] :
       {std::pair{"ada", "ada@example.org"}, {"bob", "not-an-address"}}) {
    auto out = rt.run_saga("user_registration", {{"name", name}, {"email", email}});
    std::cout << "register " << name << ": " << actortx::to_string(out.state);
    // The context as the last step left it: what later code needs from the saga.
    if (out.committed()) std::cout << " (user_id " << out.context.get("user_id") << ")";
    std::cout << '\n';
    for (const auto& s : out.steps)
      std::cout << "  " << s.name << ": " << actortx::to_string(s.state) << '\n';
    if (!out.message.empty()) std::cout << "  why: " << out.message.substr(0, 90) << '\n';
  }
  // Only ada's rows are left: bob's user and account rows were deleted by the compensations.
  auto counted = rt.transact([](tx& t) {
    std::cout << "users now: " << t.query_value<int64_t>("SELECT count(*) FROM users")
              << ", accounts now: " << t.query_value<int64_t>("SELECT count(*) FROM accounts")
              << ", outbox now: " << t.query_value<int64_t>("SELECT count(*) FROM outbox")
              << ", bob's rows: "
              << t.query_value<int64_t>("SELECT count(*) FROM users WHERE name = 'bob'") << '\n';
  });
  counted.throw_if_failed();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "user_registration: " << e.what() << '\n';
  return 1;
}
