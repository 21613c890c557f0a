// Pure parts of sagas: ids, context JSON, log parsing, the log's SQL, registry validation.
#include "runtime/sagas/saga_log.hpp"

#include <random>

#include <catch2/catch.hpp>

#include <actortx/saga_registry.hpp>

#include "runtime/policy/saga_id.hpp"
#include "runtime/schema/migrations.hpp"

using namespace actortx;

namespace {

result_set rows(std::vector<std::vector<std::string>> data) {
  result_set rs;
  for (auto& r : data) {
    std::vector<sql_value> row;
    for (auto& v : r) row.push_back(sql_value::of(v));
    rs.rows.push_back(std::move(row));
  }
  return rs;
}

tx_outcome committed_with(std::vector<result_set> results) {
  tx_outcome out;
  out.state = tx_state::committed;
  out.results = std::move(results);
  return out;
}

saga_body noop() {
  return [](tx&, saga_context&) {};
}

}  // namespace

TEST_CASE("saga ids are version-4 UUIDs and differ", "[unit]") {
  std::mt19937_64 rng{42};
  auto a = make_saga_id(rng);
  auto b = make_saga_id(rng);
  CHECK(a.size() == 36);
  CHECK(a[14] == '4');
  CHECK(std::string{"89ab"}.find(a[19]) != std::string::npos);
  CHECK(a != b);
  CHECK(check_saga_id(a).empty());
  CHECK_FALSE(check_saga_id("").empty());
  CHECK_FALSE(check_saga_id("a b").empty());
  CHECK_FALSE(check_saga_id("x'; DROP TABLE t; --").empty());
  CHECK_FALSE(check_saga_id(std::string(129, 'a')).empty());
}

TEST_CASE("saga context round-trips through JSON and reports missing keys by name", "[unit]") {
  saga_context ctx{{"user_id", "42"}, {"name", "O'Brien \"quoted\""}};
  auto back = context_from_json(context_to_json(ctx));
  CHECK(back == ctx);
  CHECK(back.get_int("user_id") == 42);
  CHECK_THROWS_WITH(back.get("nope"), Catch::Contains("'nope'"));
  CHECK_THROWS_WITH(back.get_int("name"), Catch::Contains("'name'") && Catch::Contains("integer"));
  CHECK(context_from_json(R"({"n": 5, "b": true})").get("n") == "5");
  CHECK_THROWS_WITH(context_from_json("[1,2]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(context_from_json("{"), Catch::Contains("not valid JSON"));
}

TEST_CASE("step keys name the saga, the step and the direction", "[unit]") {
  CHECK(step_key("abc", 2, false) == "saga/abc/2/do");
  CHECK(step_key("abc", 2, true) == "saga/abc/2/undo");
}

TEST_CASE("a fence result tells whether the step ran", "[unit]") {
  // We inserted the fence: it never ran.
  CHECK(fence_result(committed_with({rows({{"k"}}), rows({{"0"}})})) == false);
  // The key was there, written by transaction 17: it ran.
  CHECK(fence_result(committed_with({rows({}), rows({{"17"}})})) == true);
  // A fence from earlier: it did not run.
  CHECK(fence_result(committed_with({rows({}), rows({{"0"}})})) == false);
  tx_outcome failed;
  failed.state = tx_state::failed;
  CHECK_FALSE(fence_result(failed).has_value());
}

TEST_CASE("a loaded saga snapshot has its steps by number, gaps pending", "[unit]") {
  auto out = committed_with(
      {rows({{"transfer", "EXECUTING", R"({"amount":"5"})", "node-a", "", "2", "-1500",
              "ops: wrong account"}}),
       rows({{"0", "debit", "DONE", "2", "0", ""}, {"2", "notify", "COMPENSATED", "1", "1", ""}})});
  auto snap = parse_load(out);
  REQUIRE(snap.found);
  CHECK(snap.type == "transfer");
  CHECK(snap.state == saga_state::executing);
  CHECK(snap.context.get("amount") == "5");
  CHECK(snap.version == 2);
  CHECK(snap.deadline_ms == std::optional<int64_t>{-1500});  // passed 1.5 s ago
  CHECK(snap.cancel_requested == "ops: wrong account");
  REQUIRE(snap.steps.size() == 3);
  CHECK(snap.steps[0].state == step_state::done);
  CHECK(snap.steps[0].attempts == 2);
  CHECK(snap.steps[1].state == step_state::pending);
  CHECK(snap.steps[2].state == step_state::compensated);
  CHECK_FALSE(parse_load(committed_with({rows({}), rows({})})).found);
  auto bad = committed_with({rows({{"t", "WEIRD", "{}", "n", "", "1", "0", ""}}), rows({})});
  CHECK_THROWS_WITH(parse_load(bad), Catch::Contains("WEIRD"));
}

TEST_CASE("a registry keeps versions of a type; find gives the newest or the one asked for",
          "[unit]") {
  saga_registry reg;
  reg.define("order").step("a", noop());
  reg.define("order", 3).step("a", noop()).step("b", noop());
  reg.define("refund", 2).step("a", noop());
  CHECK(reg.find("order")->version() == 3);
  CHECK(reg.find("order", 1)->steps().size() == 1);
  CHECK(reg.find("order", 2) == nullptr);
  CHECK(reg.find("order", 0)->version() == 3);
  CHECK(reg.versions("order") == std::vector<uint32_t>{1, 3});
  CHECK(reg.names() == std::vector<std::string>{"order", "refund"});
  CHECK(reg.types().size() == 3);
  CHECK_THROWS_WITH(reg.define("order", 3), Catch::Contains("'order' version 3 is defined twice"));
  CHECK_THROWS_WITH(reg.define("order", 0), Catch::Contains("versions start at 1"));
}

TEST_CASE("a claim matches type and version, releases own unknown ones only at start-up",
          "[unit]") {
  claim_request r;
  r.owner = "node-a";
  r.known = {{"order", 1}, {"order", 2}};
  auto later = claim_script(r);
  REQUIRE(later.statements.size() == 2);  // fail after the grace, claim
  CHECK(later.statements[0].params[1].text == R"(["order@1","order@2"])");
  CHECK_THAT(later.statements[1].sql, Catch::Contains("RETURNING s.id"));
  r.include_own = true;
  auto first = claim_script(r);
  REQUIRE(first.statements.size() == 3);  // release, fail, claim
  CHECK_THAT(first.statements[0].sql, Catch::Contains("'release'"));
  CHECK_THAT(first.statements[1].params[3].text, Catch::Contains("order@1, order@2"));
}

TEST_CASE("saga definitions reject what cannot work, naming saga and step", "[unit]") {
  saga_registry reg;
  auto& d = reg.define("transfer");
  d.step("debit", noop());
  CHECK_THROWS_WITH(d.step("debit", noop()), Catch::Contains("'debit' is defined twice"));
  CHECK_THROWS_WITH(d.step("", noop()), Catch::Contains("empty name"));
  CHECK_THROWS_WITH(d.step("x", saga_action{}), Catch::Contains("'x' has no action"));
  tx_options ro;
  ro.read_only = true;
  CHECK_THROWS_WITH(d.step("ro", noop(), {}, step_options{ro, {}}), Catch::Contains("read-only"));
  tx_options keyed;
  keyed.idempotency_key = "k";
  CHECK_THROWS_WITH(d.step("keyed", noop(), {}, step_options{keyed, {}}),
                    Catch::Contains("idempotency_key"));
  CHECK_THROWS_WITH(reg.define("transfer"), Catch::Contains("defined twice"));
  retry_policy bad;
  bad.max_delay = std::chrono::milliseconds(1);
  CHECK_THROWS_WITH(d.compensation_retry(bad), Catch::Contains("compensation_retry"));
  CHECK(reg.find("transfer") != nullptr);
  CHECK(reg.find("other") == nullptr);
}

TEST_CASE("the saga row's upsert is written once, in actortx.saga_upsert()", "[unit]") {
  // saga_write() and saga_step_done() both call it; a second copy would drift.
  auto count = [](std::string_view text, std::string_view what) {
    size_t n = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  size_t upserts = 0, homes = 0;
  for (const auto& m : schema_migrations()) {
    upserts += count(m.sql, "INSERT INTO actortx.saga AS s");
    homes += count(m.sql, "FUNCTION actortx.saga_upsert(");
  }
  CHECK(homes >= 1);
  CHECK(upserts == homes);
}
