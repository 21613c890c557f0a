// Bodies that return a value: rt.transact gives it with the outcome; nested() likewise.
#include <atomic>
#include <optional>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a body's value comes back with the outcome when it committed", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE account(id int PRIMARY KEY, balance bigint)");
  db.exec("INSERT INTO account VALUES (1, 100), (2, 50)");
  runtime rt{test::test_config(db)};
  auto r = rt.transact(rt.default_options(), [](tx& t) {
    t.exec("UPDATE account SET balance = balance - 30 WHERE id = 1");
    t.exec("UPDATE account SET balance = balance + 30 WHERE id = 2");
    return std::make_tuple(t.query_value<int64_t>("SELECT balance FROM account WHERE id = 1"),
                           t.query_value<int64_t>("SELECT balance FROM account WHERE id = 2"));
  });
  INFO(describe(r.outcome));
  REQUIRE(r.committed());
  CHECK(r.value() == std::make_tuple(int64_t{70}, int64_t{80}));
  // The default-options form, and a move-only value.
  auto text = rt.transact([](tx& t) {
    return std::make_unique<std::string>(t.query_value<std::string>("SELECT 'hello'"));
  });
  REQUIRE(text);
  CHECK(*text.value() == "hello");
}

TEST_CASE("a retried body gives the value of the attempt that committed", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  std::atomic<int> runs{0};
  auto opts = rt.default_options();
  opts.retry.max_retries = 3;
  auto r = rt.transact(opts, [&](tx& t) {
    const int run = ++runs;
    // 40001 is retried: the first attempt's value must not leak into the result.
    if (run == 1) t.exec("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
    return run * 10;
  });
  INFO(describe(r.outcome));
  REQUIRE(r.committed());
  CHECK(r.outcome.attempts == 2);
  CHECK(r.value() == 20);
}

TEST_CASE("a body that did not commit gives no value and value() throws the outcome", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  auto failed = rt.transact(rt.default_options(), [](tx& t) {
    t.exec("INSERT INTO t VALUES (1), (1)");
    return 1;
  });
  CHECK(failed.outcome.state == tx_state::failed);
  CHECK_FALSE(failed.has_value());
  try {
    (void)failed.value();
    FAIL("no exception");
  } catch (const tx_error& e) {
    CHECK(e.code() == errc::sql_error);
    CHECK(e.outcome().sqlstate == "23505");
  }
  auto rolled = rt.transact(rt.default_options(), [](tx&) -> int { throw rollback("no"); });
  CHECK(rolled.outcome.state == tx_state::rolled_back);
  CHECK_THROWS_AS(rolled.value(), tx_error);
  auto timed = rt.transact(
      [&] {
        auto o = rt.default_options();
        o.timeout = 200ms;
        return o;
      }(),
      [](tx& t) { return t.query_value<int>("SELECT 1 FROM pg_sleep(5)"); });
  CHECK(timed.outcome.state == tx_state::timeout);
  CHECK_FALSE(timed.has_value());
}

TEST_CASE("a committed duplicate under an idempotency key has no value to give", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.idempotency_key = "body-values-" + db.name();  // keys outlive the schema
  auto first = rt.transact(opts, [](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    return 5;
  });
  REQUIRE(first.committed());
  CHECK(first.value() == 5);
  auto again = rt.transact(opts, [](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    return 6;
  });
  CHECK(again.committed());
  CHECK(again.outcome.deduplicated);
  CHECK_FALSE(again.has_value());
  CHECK_THROWS_WITH(again.value(), Catch::Matchers::Contains("body did not run again"));
  CHECK(db.value<int>("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a nested block's value is there when released and rolls back the whole when needed",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  std::optional<int> inserted;
  std::string failed_state;
  auto out = rt.transact([&](tx& t) {
    auto ok =
        t.nested([](tx& n) { return n.query_value<int>("INSERT INTO t VALUES (1) RETURNING id"); });
    inserted = ok.result;
    auto dup =
        t.nested([](tx& n) { return n.query_value<int>("INSERT INTO t VALUES (1) RETURNING id"); });
    failed_state = dup.sqlstate;
    CHECK_FALSE(dup.result);
  });
  REQUIRE(out.committed());
  CHECK(inserted == 1);
  CHECK(failed_state == "23505");
  // value() of a rolled-back block rolls the whole transaction back on purpose.
  auto whole = rt.transact([](tx& t) {
    t.exec("INSERT INTO t VALUES (2)");
    auto dup =
        t.nested([](tx& n) { return n.query_value<int>("INSERT INTO t VALUES (1) RETURNING id"); });
    (void)dup.value();
  });
  CHECK(whole.state == tx_state::rolled_back);
  CHECK(whole.message.find("duplicate key") != std::string::npos);
  CHECK(db.value<int>("SELECT count(*) FROM t") == 1);
}
