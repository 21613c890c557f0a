#include <functional>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("a failing nested block rolls back to its savepoint and the outer transaction commits",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  nested_result inner;
  uint32_t used = 0;
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    inner = t.nested([](tx& n) {
      n.exec("INSERT INTO t VALUES (2)");
      n.exec("INSERT INTO t VALUES (1)");  // unique violation
    });
    t.exec("INSERT INTO t VALUES (3)");
    used = t.savepoints_used();
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 1);
  CHECK_FALSE(inner);
  CHECK(inner.sqlstate == "23505");
  CHECK(inner.message.find("duplicate key") != std::string::npos);
  CHECK(used == 1);
  CHECK(db.value<std::string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM t") == "1,3");
}

TEST_CASE("nested blocks five levels deep roll back only the failing level and below", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(depth int, phase text)");
  runtime rt{test::test_config(db)};
  for (int failing = 1; failing <= 5; ++failing) {
    DYNAMIC_SECTION("failure at level " << failing) {
      db.exec("TRUNCATE t");
      // Level d inserts (d, 'before'), opens level d+1, then inserts (d, 'after').
      std::function<void(tx&, int)> level = [&](tx& t, int d) {
        t.exec("INSERT INTO t VALUES ($1, 'before')", d);
        if (d < 5) {
          auto r = t.nested([&](tx& n) { level(n, d + 1); });
          CHECK(static_cast<bool>(r) == (d + 1 != failing));
        }
        if (d == failing) t.exec("SELECT 1 / 0");  // 22012, fail-fast: rolls back level d
        t.exec("INSERT INTO t VALUES ($1, 'after')", d);
      };
      auto out = rt.transact([&](tx& t) {
        t.exec("INSERT INTO t VALUES (0, 'outer')");
        auto r = t.nested([&](tx& n) { level(n, 1); });
        CHECK(static_cast<bool>(r) == (failing != 1));
      });
      INFO(describe(out));
      REQUIRE(out.committed());
      // Levels above the failing one keep both rows; the failing level and deeper keep none.
      std::string expected = "0:outer";
      for (int d = 1; d < failing; ++d)
        expected += "," + std::to_string(d) + ":before," + std::to_string(d) + ":after";
      CHECK(db.value<std::string>("SELECT string_agg(depth || ':' || phase, ',' ORDER BY depth, "
                                  "phase DESC) FROM t") == expected);
    }
  }
}

TEST_CASE("a serialization failure inside a nested block is not swallowed and is retried", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO t VALUES ($1)", t.attempt());
    t.nested([](tx& n) {
      if (n.attempt() == 1)
        n.exec("DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$");
    });
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  CHECK(out.attempt_log.at(0).sqlstate == "40001");
  CHECK(db.value<std::string>("SELECT string_agg(id::text, ',') FROM t") == "2");
}

TEST_CASE("a deadline inside a nested block ends the transaction TIMEOUT", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 200ms;
  bool went_on = false;
  auto out = rt.transact(opts, [&](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    t.nested([](tx& n) { n.exec("SELECT pg_sleep(5)"); });
    went_on = true;
  });
  INFO(describe(out));
  CHECK(out.state == tx_state::timeout);
  CHECK_FALSE(went_on);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

TEST_CASE("manual savepoints work and invalid names are rejected before any SQL", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  std::vector<std::string> rejected;
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    t.savepoint("before_two");
    t.exec("INSERT INTO t VALUES (2)");
    t.rollback_to("before_two");
    t.exec("INSERT INTO t VALUES (3)");
    t.release("before_two");
    for (const char* bad : {"x; DROP TABLE t", "1abc", "", "actortx_sp_1"}) {
      try {
        t.savepoint(bad);
      } catch (const std::invalid_argument& e) {
        rejected.push_back(e.what());
      }
    }
    CHECK(t.savepoints_used() == 1);
  });
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(rejected.size() == 4);
  CHECK(rejected[0].find("x; DROP TABLE t") != std::string::npos);
  CHECK(db.value<std::string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM t") == "1,3");
}
