// runtime::transact called from inside a body: joined as a savepoint by default, apart only
// when a connection is free at once, never a self-deadlock on a small pool.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// A service function that opens "its own" transaction, as library code often does.
tx_outcome add_audit(runtime& rt, const std::string& what) {
  auto opts = rt.default_options();
  opts.label = "audit";
  return rt.transact(opts, [what](tx& t) { t.exec("INSERT INTO audit VALUES ($1)", what); });
}

}  // namespace

TEST_CASE("transact inside a body joins it: sees its writes and commits with it", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(id int PRIMARY KEY)");
  db.exec("CREATE TABLE audit(what text)");
  runtime rt{test::test_config(db, 1)};  // one connection: a second transaction would deadlock
  tx_outcome inner;
  int64_t seen = -1;
  const auto started = std::chrono::steady_clock::now();
  auto outer = rt.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (1)");
    inner = rt.transact(rt.default_options(), [&](tx& n) {
      seen = n.query_value<int64_t>("SELECT count(*) FROM item");  // the outer's write
      n.exec("INSERT INTO audit VALUES ('item 1')");
    });
  });
  INFO(describe(outer));
  REQUIRE(outer.committed());
  CHECK(std::chrono::steady_clock::now() - started < 2s);  // no wait for a second connection
  CHECK(inner.joined);
  CHECK(inner.state == tx_state::running);  // never COMMITTED: the outer outcome is the truth
  CHECK_FALSE(inner.committed());
  CHECK(inner.ok());
  CHECK(inner.id == outer.id);
  CHECK(seen == 1);
  CHECK(db.value<int>("SELECT count(*) FROM audit") == 1);
}

TEST_CASE("a joined call that fails rolls back to its savepoint and the outer goes on", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(id int PRIMARY KEY)");
  db.exec("CREATE TABLE audit(what text CHECK (what <> ''))");
  runtime rt{test::test_config(db, 1)};
  tx_outcome bad;
  auto outer = rt.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (1)");
    bad = add_audit(rt, "");  // violates the CHECK: 23514
    t.exec("INSERT INTO item VALUES (2)");
  });
  REQUIRE(outer.committed());
  CHECK(bad.joined);
  CHECK_FALSE(bad.ok());
  CHECK(bad.code == errc::sql_error);
  CHECK(bad.sqlstate == "23514");
  CHECK_THROWS_AS(bad.throw_if_failed(), tx_error);
  CHECK(db.value<int>("SELECT count(*) FROM item") == 2);
  CHECK(db.value<int>("SELECT count(*) FROM audit") == 0);
  // The outer rolls back: the joined work goes with it.
  auto rolled = rt.transact([&](tx&) {
    CHECK(add_audit(rt, "kept?").ok());
    throw rollback("changed my mind");
  });
  CHECK(rolled.state == tx_state::rolled_back);
  CHECK(db.value<int>("SELECT count(*) FROM audit") == 0);
}

TEST_CASE("a joined body returning a value and a joined script give their results", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(id int PRIMARY KEY)");
  runtime rt{test::test_config(db, 1)};
  int value = 0;
  std::string script_text;
  auto outer = rt.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (7)");
    auto r = rt.transact(rt.default_options(),
                         [](tx& n) { return n.query_value<int>("SELECT max(id) FROM item"); });
    value = r.value();
    tx_script s;
    s.add("SELECT id::text FROM item WHERE id = $1", 7);
    auto sr = rt.transact(rt.default_options(), s);
    CHECK(sr.joined);
    REQUIRE(sr.results.size() == 1);
    REQUIRE(sr.results[0].rows.size() == 1);
    script_text = sr.results[0].rows[0][0].text;
  });
  REQUIRE(outer.committed());
  CHECK(value == 7);
  CHECK(script_text == "7");
}

TEST_CASE("a separate transaction inside a body is refused when no connection is free", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE audit(what text)");
  runtime rt{test::test_config(db, 1)};
  tx_outcome apart;
  const auto started = std::chrono::steady_clock::now();
  auto outer = rt.transact([&](tx&) {
    auto opts = rt.default_options();
    opts.propagate = propagation::separate;
    apart = rt.transact(opts, [](tx& n) { n.exec("INSERT INTO audit VALUES ('x')"); });
  });
  REQUIRE(outer.committed());
  CHECK(std::chrono::steady_clock::now() - started < 2s);  // refused at once, no acquire wait
  CHECK(apart.state == tx_state::failed);
  CHECK(apart.code == errc::pool_exhausted);
  CHECK(apart.message.find("no free connection for a separate transaction") != std::string::npos);
  CHECK(db.value<int>("SELECT count(*) FROM audit") == 0);
}

TEST_CASE("a separate transaction inside a body commits on its own when a connection is free",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE audit(what text)");
  runtime rt{test::test_config(db, 2)};
  tx_outcome apart;
  auto outer = rt.transact([&](tx&) {
    auto opts = rt.default_options();
    opts.propagate = propagation::separate;
    apart = rt.transact(opts, [](tx& n) { n.exec("INSERT INTO audit VALUES ('kept')"); });
    throw rollback("the outer rolls back");
  });
  CHECK(outer.state == tx_state::rolled_back);
  CHECK(apart.committed());
  CHECK_FALSE(apart.joined);
  CHECK(apart.id != outer.id);
  CHECK(db.value<int>("SELECT count(*) FROM audit") == 1);  // committed on its own
}

TEST_CASE("a body of one runtime calling another runtime runs a transaction of its own", "[pg]") {
  test::test_schema a;
  test::test_schema b;
  a.exec("CREATE TABLE item(id int)");
  b.exec("CREATE TABLE item(id int)");
  runtime ra{test::test_config(a, 1)};
  runtime rb{test::test_config(b, 1)};
  tx_outcome other;
  auto outer = ra.transact([&](tx& t) {
    t.exec("INSERT INTO item VALUES (1)");
    other = rb.transact([](tx& n) { n.exec("INSERT INTO item VALUES (2)"); });
  });
  REQUIRE(outer.committed());
  CHECK(other.committed());
  CHECK_FALSE(other.joined);
  CHECK(a.value<int>("SELECT sum(id) FROM item") == 1);
  CHECK(b.value<int>("SELECT sum(id) FROM item") == 2);
}
