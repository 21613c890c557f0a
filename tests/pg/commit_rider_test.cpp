// tx::exec_at_commit against a real PostgreSQL: the statement rides in COMMIT's round trip,
// commits with the body's work, and when it fails nothing commits.
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

void make_tables(test::test_schema& db) {
  db.exec(
      "CREATE TABLE item (id int PRIMARY KEY, name text);"
      "CREATE TABLE outbox (id int PRIMARY KEY, payload text, extra text)");
}

statement outbox_row(int id, std::string payload, sql_value extra) {
  return statement{"INSERT INTO outbox VALUES ($1, $2, $3)",
                   {sql_value::of(id), sql_value::of(std::move(payload)), std::move(extra)}};
}

}  // namespace

TEST_CASE("a statement queued for COMMIT commits with the body's work, its values intact", "[pg]") {
  test::test_schema db;
  make_tables(db);
  runtime rt{test::test_config(db)};
  // Quotes, a backslash, a "$1" inside the value and a NULL: sent as literals, kept exactly.
  const std::string tricky = "it's \\ \"$1\" '' $2";
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (1, 'a')");
    t.exec_at_commit(outbox_row(1, tricky, sql_value::null()));
    t.exec_at_commit(statement{"UPDATE outbox SET extra = 'after ' || $1 WHERE id = 1",
                               {sql_value::of("first")}});
  });
  INFO(out.message);
  REQUIRE(out.state == tx_state::committed);
  CHECK(db.value<std::string>("SELECT payload FROM outbox WHERE id = 1") == tricky);
  CHECK(db.value<std::string>("SELECT extra FROM outbox WHERE id = 1") == "after first");
  CHECK(db.value<long>("SELECT count(*) FROM item") == 1);
}

TEST_CASE("a statement queued for COMMIT that fails commits nothing and names its error", "[pg]") {
  test::test_schema db;
  make_tables(db);
  db.exec("INSERT INTO outbox VALUES (7, 'taken', NULL)");
  runtime rt{test::test_config(db)};
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (2, 'b')");
    t.exec_at_commit(outbox_row(7, "duplicate", sql_value::of("x")));
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "23505");
  CHECK(db.value<long>("SELECT count(*) FROM item") == 0);
  CHECK(db.value<std::string>("SELECT payload FROM outbox WHERE id = 7") == "taken");
  // The connection is fine afterwards: the aborted transaction was rolled back.
  auto next = rt.transact([](tx& t) { t.exec("INSERT INTO item VALUES (3, 'c')"); });
  CHECK(next.state == tx_state::committed);
}

TEST_CASE("a statement queued for COMMIT with a parameter it does not have is refused", "[pg]") {
  test::test_schema db;
  make_tables(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([&](tx& t) {
    t.exec_at_commit(statement{"INSERT INTO item VALUES ($1, $2)", {sql_value::of(1)}});
  });
  CHECK(out.state == tx_state::failed);
  CHECK_THAT(out.message, Catch::Contains("$2") && Catch::Contains("1 parameter"));
  CHECK(db.value<long>("SELECT count(*) FROM item") == 0);
}
