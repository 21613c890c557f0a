// An actor-based service: an event-based actor sends typed run requests to the supervisor
// and reacts to the outcomes, without ever blocking a scheduler thread.
//
//   actor_client [DSN]      (see example_usage.hpp for where the database comes from)
#include <iostream>
#include <memory>

#include <caf/all.hpp>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using namespace std::chrono_literals;

namespace {

const example::usage usage{
    "actor_client [DSN]",
    "An event-based actor talks to the runtime's supervisor with typed messages, never\n"
    "blocking: it sends a tx_script (run_atom) that inserts user \"ada\" into table app_user\n"
    "(created if missing), reacts to the tx_outcome, then asks for the user count the same way.",
    "  DSN          the PostgreSQL to use (optional, see below)\n"};

// A message this actor never gets: its behavior must not be empty (that would end it).
using idle_atom = caf::atom_constant<caf::atom("idle")>;

// Registers a user, then reads the user count back; both as scripts (serializable data that
// could equally come from another node).
caf::behavior registrar(caf::event_based_actor* self, actortx::supervisor_actor sup,
                        caf::actor done) {
  actortx::tx_options opts;
  opts.timeout = 5s;
  opts.label = "register";
  // Report once, then stop: a live actor would keep the actor system (and main) waiting.
  auto finish = [=](bool ok) {
    self->send(done, ok);
    self->quit();
  };
  actortx::tx_script reg;
  reg.add("INSERT INTO app_user(name) VALUES ($1) RETURNING id", "ada");
  self->request(sup, 10s, actortx::run_atom::value, opts, reg)
      .then(
          [=](actortx::tx_outcome& out) {
            if (!out.committed()) {
              std::cout << "register failed: " << out.message << '\n';
              finish(false);
              return;
            }
            std::cout << "registered user id " << out.results[0].rows[0][0].text << '\n';
            actortx::tx_options ro = opts;
            ro.read_only = true;
            ro.label = "count";
            actortx::tx_script count;
            count.add("SELECT count(*) FROM app_user");
            self->request(sup, 10s, actortx::run_atom::value, ro, count)
                .then(
                    [=](actortx::tx_outcome& c) {
                      std::cout << "users now: " << c.results.at(0).rows.at(0).at(0).text << '\n';
                      finish(c.committed());
                    },
                    [=](caf::error& err) {
                      std::cout << self->system().render(err) << '\n';
                      finish(false);
                    });
          },
          [=](caf::error& err) {
            std::cout << self->system().render(err) << '\n';
            finish(false);
          });
  // Nothing else to handle: the responses above arrive through their own handlers.
  return {[](idle_atom) {}};
}

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 1)) return *exit;
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives the runtime
  actortx::runtime_config cfg;
  cfg.dsn = db.dsn;
  actortx::runtime rt{cfg};
  auto setup = rt.transact([](actortx::tx& t) {
    t.exec("CREATE TABLE IF NOT EXISTS app_user(id serial PRIMARY KEY, name text NOT NULL)");
  });
  setup.throw_if_failed();  // a failed set-up ends the program with its outcome
  caf::scoped_actor self{rt.system()};
  rt.system().spawn(registrar, rt.supervisor(), caf::actor{self});
  bool ok = false;
  self->receive([&](bool result) { ok = result; },
                caf::after(std::chrono::seconds(15)) >> [] { std::cout << "no answer\n"; });
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "actor_client: " << e.what() << '\n';
  return 1;
}
