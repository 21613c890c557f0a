// Commit, rollback, isolation and access mode against a real PostgreSQL.
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

void make_accounts(test::test_schema& db) {
  db.exec("CREATE TABLE account(id int primary key, balance bigint not null)");
  db.exec("INSERT INTO account VALUES (1, 100), (2, 0)");
}

}  // namespace

TEST_CASE("a committed transfer is visible to another connection", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) {
    t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2", 30, 1);
    t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2", 30, 2);
  });
  REQUIRE(out.state == tx_state::committed);
  CHECK(out.attempts == 1);
  CHECK(out.attempt_log.size() == 1);
  CHECK(out.attempt_log[0].backend_pid != 0);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 70);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 2") == 30);
}

TEST_CASE("an exception in the body rolls back and leaves no trace", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) {
    t.exec("UPDATE account SET balance = 0 WHERE id = 1");
    t.exec("INSERT INTO account VALUES (3, 5)");
    throw std::runtime_error("business rule violated");
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::body_failed);
  CHECK(out.attempts == 1);  // a body's own exception is not retried
  CHECK(out.message.find("business rule violated") != std::string::npos);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 100);
  CHECK(db.value<long>("SELECT count(*) FROM account") == 2);
}

TEST_CASE("throwing actortx::rollback ends ROLLED_BACK without a retry", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) {
    t.exec("UPDATE account SET balance = 0 WHERE id = 1");
    throw rollback{"insufficient funds"};
  });
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.code == errc::rolled_back);
  CHECK(out.attempts == 1);
  CHECK(out.message == "insufficient funds");
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 100);
}

TEST_CASE("a body that swallows a statement error is not reported committed", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) {
    t.exec("UPDATE account SET balance = 0 WHERE id = 1");
    try {
      t.exec("INSERT INTO account VALUES (1, 1)");  // duplicate key: transaction aborted
    } catch (const std::exception&) {
      // swallowed on purpose
    }
  });
  CHECK(out.state != tx_state::committed);
  CHECK(out.code == errc::rolled_back);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 100);
}

TEST_CASE("each isolation level is really in force", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto level = GENERATE(isolation::read_uncommitted, isolation::read_committed,
                        isolation::repeatable_read, isolation::serializable);
  const char* expected = level == isolation::read_uncommitted  ? "read uncommitted"
                         : level == isolation::read_committed  ? "read committed"
                         : level == isolation::repeatable_read ? "repeatable read"
                                                               : "serializable";
  tx_options opts = rt.default_options();
  opts.level = level;
  std::string seen;
  auto out = rt.transact(
      opts, [&](tx& t) { seen = t.query_value<std::string>("SHOW transaction_isolation"); });
  REQUIRE(out.committed());
  CHECK(seen == expected);
}

TEST_CASE("a read-only transaction rejects a write with 25006 and is not retried", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.read_only = true;
  std::string mode;
  auto out = rt.transact(opts, [&](tx& t) {
    mode = t.query_value<std::string>("SHOW transaction_read_only");
    t.exec("UPDATE account SET balance = 0 WHERE id = 1");
  });
  CHECK(mode == "on");
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "25006");
  CHECK(out.attempts == 1);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 100);
}

TEST_CASE("a serializable read-only deferrable transaction runs deferrable", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.level = isolation::serializable;
  opts.read_only = true;
  opts.deferrable = true;
  std::string deferrable;
  auto out = rt.transact(
      opts, [&](tx& t) { deferrable = t.query_value<std::string>("SHOW transaction_deferrable"); });
  REQUIRE(out.committed());
  CHECK(deferrable == "on");
}

TEST_CASE("a syntax error fails after exactly one attempt with SQLSTATE 42601", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) { t.exec("SELEKT 1"); });
  CHECK(out.state == tx_state::failed);
  CHECK(out.attempts == 1);
  CHECK(out.sqlstate == "42601");
  CHECK(out.code == errc::sql_error);
  REQUIRE(out.attempt_log.size() == 1);
  CHECK(out.attempt_log[0].cls == error_class::fail_fast);
  CHECK(out.message.find("syntax error") != std::string::npos);
}

TEST_CASE("a unique violation fails fast with SQLSTATE 23505", "[pg]") {
  test::test_schema db;
  make_accounts(db);
  runtime rt{test::test_config(db)};
  auto out = rt.transact([](tx& t) { t.exec("INSERT INTO account VALUES ($1, $2)", 1, 5); });
  CHECK(out.state == tx_state::failed);
  CHECK(out.attempts == 1);
  CHECK(out.sqlstate == "23505");
}
