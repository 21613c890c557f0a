// Transactions run on another node: by procedure (over TLS) and by script (over loopback plain
// TCP), their effects checked in the executing node's database.
#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a procedure runs on a remote node over TLS, and its effects are in that node's database",
          "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 3, 100);
  test::test_pki pki{{"b", "client"}};
  test::dist_node b{{db.dsn(), "b", &pki}};
  runtime rt{test::client_config(db, {{"b", b.port()}}, &pki)};

  auto opts = rt.default_options();
  opts.label = "remote-credit";
  auto out = rt.call_on("b", opts, procedure_call::make("credit", "r1", 1, 50));
  INFO(describe(out) << "\nnode log:\n" << b.log());
  REQUIRE(out.committed());
  CHECK(out.label == "remote-credit");
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 150);
  CHECK(db.value<long>("SELECT count(*) FROM ledger WHERE ref = 'r1' AND kind = 'credit'") == 1);

  // A business failure inside the procedure comes back as the node's outcome, with its reason.
  db.exec("UPDATE account SET frozen = true WHERE id = 2");
  auto frozen = rt.call_on("b", opts, procedure_call::make("credit", "r2", 2, 5));
  CHECK(frozen.state == tx_state::rolled_back);
  CHECK_THAT(frozen.message, Catch::Contains("account 2 is frozen"));
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 2") == 100);
}

TEST_CASE("a script runs on a remote node over loopback plain TCP and returns its rows",
          "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 3, 100);
  test::dist_node b{{db.dsn(), "b", nullptr}};
  runtime rt{test::client_config(db, {{"b", b.port()}}, nullptr)};

  tx_script script;
  script.add("UPDATE account SET balance = balance - $1 WHERE id = $2 RETURNING balance", 30, 3);
  script.add("INSERT INTO ledger(ref, kind) VALUES ($1, 'debit')", "s1");
  auto out = rt.transact_on("b", rt.default_options(), script);
  INFO(describe(out) << "\nnode log:\n" << b.log());
  REQUIRE(out.committed());
  REQUIRE(out.results.size() == 2);
  REQUIRE(out.results[0].rows.size() == 1);
  CHECK(out.results[0].rows[0][0].text == "70");
  CHECK(out.results[1].affected_rows == 1);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 3") == 70);
  CHECK(db.value<long>("SELECT count(*) FROM ledger WHERE ref = 's1'") == 1);
}

TEST_CASE("a peer that is not configured or does not answer is node_unreachable, named",
          "[dist][pg]") {
  test::test_database db;
  // Port 1 on loopback: nothing listens there (and an unprivileged process cannot listen).
  runtime rt{test::client_config(db, {{"b", 1}}, nullptr)};
  auto ping = procedure_call::make("ping", 1);

  auto unknown = rt.call_on("c", rt.default_options(), ping);
  CHECK(unknown.state == tx_state::failed);
  CHECK(unknown.code == errc::node_unreachable);
  CHECK_THAT(unknown.message, Catch::Contains("no peer named 'c'") && Catch::Contains("b"));

  auto down = rt.call_on("b", rt.default_options(), ping);
  CHECK(down.state == tx_state::failed);
  CHECK(down.code == errc::node_unreachable);
  CHECK_THAT(down.message, Catch::Contains("cannot reach node 'b' at 127.0.0.1:1"));
}
