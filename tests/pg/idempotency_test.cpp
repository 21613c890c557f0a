#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Keys live in the shared actortx.idempotency_keys table: make them unique per test schema.
std::string key_for(const test::test_schema& db, const std::string& what) {
  return db.name() + "/" + what;
}

}  // namespace

TEST_CASE("a repeated idempotency key returns the earlier commit without running the body",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE payment(id serial, amount int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.idempotency_key = key_for(db, "payment-42");
  int runs = 0;
  auto pay = [&](tx& t) {
    ++runs;
    t.exec("INSERT INTO payment(amount) VALUES (100)");
  };
  auto first = rt.transact(opts, pay);
  REQUIRE(first.committed());
  CHECK_FALSE(first.deduplicated);
  auto again = rt.transact(opts, pay);
  INFO(describe(again));
  CHECK(again.committed());
  CHECK(again.deduplicated);
  CHECK(again.message.find("tx " + std::to_string(first.id)) != std::string::npos);
  CHECK(runs == 1);
  CHECK(db.value<long>("SELECT count(*) FROM payment") == 1);
}

TEST_CASE("two concurrent transactions with the same key commit once", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE payment(id serial, amount int)");
  runtime rt{test::test_config(db, 4)};
  tx_options opts = rt.default_options();
  opts.idempotency_key = key_for(db, "double-click");
  std::atomic<int> runs{0};
  auto pay = [&](tx& t) {
    ++runs;
    t.exec("INSERT INTO payment(amount) VALUES (100)");
    std::this_thread::sleep_for(100ms);  // both bodies overlap
  };
  tx_outcome a, b;
  std::thread ta{[&] { a = rt.transact(opts, pay); }};
  std::thread tb{[&] { b = rt.transact(opts, pay); }};
  ta.join();
  tb.join();
  INFO(describe(a) << "\n" << describe(b));
  CHECK(a.committed());
  CHECK(b.committed());
  CHECK(a.deduplicated != b.deduplicated);  // exactly one of them really committed
  CHECK(db.value<long>("SELECT count(*) FROM payment") == 1);
}

TEST_CASE("an idempotency key on a read-only transaction is rejected", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.read_only = true;
  opts.idempotency_key = key_for(db, "ro");
  bool ran = false;
  auto out = rt.transact(opts, [&](tx&) { ran = true; });
  CHECK_FALSE(ran);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message.find("idempotency_key") != std::string::npos);
}
