// Transactions as data: tx_script with bound parameters, results, typed actor API.
#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "messages/atoms.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a tx_script binds parameters and stores an injection attempt verbatim", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE note(id int primary key, body text, extra text)");
  runtime rt{test::test_config(db)};
  const std::string evil = "x'); DROP TABLE note; --";
  tx_script script;
  script.add("INSERT INTO note VALUES ($1, $2, $3)", 1, evil, sql_value::null());
  script.add("SELECT id, body, extra FROM note WHERE id = $1", 1);
  auto out = rt.transact(rt.default_options(), script);
  REQUIRE(out.committed());
  REQUIRE(out.results.size() == 2);
  CHECK(out.results[0].affected_rows == 1);
  const auto& rows = out.results[1];
  REQUIRE(rows.rows.size() == 1);
  CHECK(rows.columns == std::vector<std::string>{"id", "body", "extra"});
  CHECK(rows.rows[0][0] == sql_value::of("1"));
  CHECK(rows.rows[0][1] == sql_value::of(evil));
  CHECK(rows.rows[0][2].is_null);
  CHECK(db.value<std::string>("SELECT body FROM note WHERE id = 1") == evil);
  CHECK(db.value<long>("SELECT count(*) FROM note") == 1);
}

TEST_CASE("a failing statement in a script rolls back the statements before it", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int primary key)");
  runtime rt{test::test_config(db)};
  tx_script script;
  script.add("INSERT INTO t VALUES ($1)", 1);
  script.add("INSERT INTO t VALUES ($1)", 1);  // duplicate
  auto out = rt.transact(rt.default_options(), script);
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "23505");
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

namespace {

// A user's event-based actor that talks to the runtime only through typed messages.
caf::behavior transfer_client(caf::event_based_actor* self, supervisor_actor sup,
                              caf::actor report_to) {
  tx_script script;
  script.add("UPDATE account SET balance = balance - $1 WHERE id = $2", 25, 1);
  script.add("UPDATE account SET balance = balance + $1 WHERE id = $2", 25, 2);
  tx_options opts;
  opts.timeout = 5s;
  opts.label = "transfer";
  self->request(sup, 10s, run_atom::value, opts, script)
      .then(
          [=](tx_outcome& out) {
            self->send(report_to, std::move(out));
            self->quit();
          },
          [=](caf::error& err) {
            self->send(report_to, std::move(err));
            self->quit();
          });
  return {[](ping_atom) {}};
}

}  // namespace

TEST_CASE("an event-based actor runs a script through the typed supervisor interface", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE account(id int primary key, balance bigint not null)");
  db.exec("INSERT INTO account VALUES (1, 100), (2, 0)");
  runtime rt{test::test_config(db)};
  caf::scoped_actor self{rt.system()};
  rt.system().spawn(transfer_client, rt.supervisor(), caf::actor{self});
  self->receive(
      [&](tx_outcome& out) {
        CHECK(out.committed());
        CHECK(out.label == "transfer");
        CHECK(out.results.size() == 2);
      },
      [&](caf::error& err) { FAIL(rt.system().render(err)); },
      caf::after(10s) >> [] { FAIL("no outcome within 10 s"); });
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 2") == 25);
}

TEST_CASE("invalid options are answered with invalid_argument, not run", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.retry.jitter = 1.5;
  bool ran = false;
  auto out = rt.transact(opts, [&](tx&) { ran = true; });
  CHECK_FALSE(ran);
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message.find("jitter") != std::string::npos);
}
