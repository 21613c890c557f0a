#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

/// Hooks run on connection threads: record what they saw under a lock.
struct journal {
  std::mutex mtx;
  std::vector<std::string> lines;
  void add(std::string s) {
    std::lock_guard<std::mutex> guard{mtx};
    lines.push_back(std::move(s));
  }
};

tx_hooks recording_hooks(journal& j, const std::string& who) {
  tx_hooks h;
  h.pre_commit([&j, who](tx& t) { j.add(who + " pre-commit " + std::to_string(t.attempt())); })
      .post_commit([&j, who](const hook_event& e) {
        j.add(who + " post-commit " + std::to_string(e.attempt));
      })
      .pre_rollback([&j, who](const hook_event& e) {
        j.add(who + " pre-rollback " + std::to_string(e.attempt));
      })
      .post_rollback([&j, who](const hook_event& e) {
        j.add(who + " post-rollback " + std::to_string(e.attempt));
      });
  return h;
}

}  // namespace

TEST_CASE("a pre-commit hook can veto: the outcome is ROLLED_BACK and nothing is written", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  long seen_inside = -1;
  bool post_commit_ran = false, post_rollback_ran = false;
  tx_hooks hooks;
  hooks
      .pre_commit([&](tx& t) {
        // Runs inside the transaction: it sees the body's uncommitted row.
        seen_inside = t.query_value<long>("SELECT count(*) FROM t");
        throw std::runtime_error("limit exceeded");
      })
      .post_commit([&](const hook_event&) { post_commit_ran = true; })
      .post_rollback([&](const hook_event&) { post_rollback_ran = true; });
  auto out = rt.transact(
      rt.default_options(), [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); }, hooks);
  INFO(describe(out));
  CHECK(out.state == tx_state::rolled_back);
  CHECK(out.attempts == 1);
  CHECK(out.message == "pre-commit hook vetoed the commit: limit exceeded");
  CHECK(seen_inside == 1);
  CHECK_FALSE(post_commit_ran);
  CHECK(post_rollback_ran);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

TEST_CASE("post-commit hooks run after a durable commit and a throwing one changes nothing",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  long visible_elsewhere = -1;
  std::string label_seen;
  tx_hooks hooks;
  hooks.post_commit([](const hook_event&) { throw std::runtime_error("mailer down"); })
      .post_commit([&](const hook_event& e) {
        // Another session already sees the row: the commit is durable before the hook runs.
        visible_elsewhere = db.value<long>("SELECT count(*) FROM t");
        label_seen = e.label;
      });
  auto opts = rt.default_options();
  opts.label = "signup";
  auto out = rt.transact(
      opts, [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); }, hooks);
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(visible_elsewhere == 1);
  CHECK(label_seen == "signup");
}

TEST_CASE("rollback hooks run for each failed attempt and runtime-wide hooks run first", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  journal j;
  auto cfg = test::test_config(db);
  cfg.hooks = recording_hooks(j, "runtime");
  runtime rt{cfg};
  auto out = rt.transact(
      rt.default_options(),
      [](tx& t) {
        t.exec("INSERT INTO t VALUES ($1)", t.attempt());
        if (t.attempt() == 1)
          t.exec("DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$");
      },
      recording_hooks(j, "tx"));
  INFO(describe(out));
  REQUIRE(out.committed());
  CHECK(out.attempts == 2);
  CHECK(j.lines == std::vector<std::string>{"runtime pre-rollback 1", "tx pre-rollback 1",
                                            "runtime post-rollback 1", "tx post-rollback 1",
                                            "runtime pre-commit 2", "tx pre-commit 2",
                                            "runtime post-commit 2", "tx post-commit 2"});
  CHECK(db.value<long>("SELECT count(*) FROM t") == 1);

  // Scripts (which may come from other nodes) get the runtime-wide hooks too.
  j.lines.clear();
  tx_script script;
  script.add("INSERT INTO t VALUES ($1)", 3);
  REQUIRE(rt.transact(rt.default_options(), script).committed());
  CHECK(j.lines == std::vector<std::string>{"runtime pre-commit 1", "runtime post-commit 1"});
}
