// The dashboard's saga endpoints without a database: what a query string may ask for, the 400s
// that name the parameter, and the JSON the page reads (through the real HTTP server).
#include "runtime/observability/saga_api.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "runtime/observability/saga_query.hpp"
#include "support/http_get.hpp"

using namespace actortx;
using json = nlohmann::json;
using actortx::test::http_get;

namespace {

/// The parameter a query string is refused for ("" when it is accepted).
std::string refused_parameter(const std::string& query) {
  try {
    saga_filter_from_query(query);
    return {};
  } catch (const bad_parameter& e) {
    CHECK_THAT(e.what(), Catch::StartsWith(e.parameter() + ": "));
    return e.parameter();
  }
}

saga_detail compensated_saga() {
  saga_detail d;
  d.found = true;
  d.id = "s-1";
  d.type = "order<&>";
  d.version = 2;
  d.state = saga_state::compensated;
  d.error = "ship: <b>no stock</b>";
  d.context.set("order", "42");
  saga_step_detail reserve;
  reserve.name = "reserve";
  reserve.state = step_state::compensated;
  reserve.attempts = 1;
  reserve.compensation_attempts = 2;
  saga_step_detail ship;
  ship.number = 1;
  ship.name = "ship";
  ship.state = step_state::failed;
  ship.error = "no stock";
  d.steps = {reserve, ship};
  d.events = {{"2024-01-01T00:00:00Z", "alice", "cancel", "customer asked"}};
  return d;
}

/// A source that knows one saga and lists whatever it was asked for, recording the filter.
struct fake_source {
  saga_filter asked;
  saga_source source() {
    return {[this](const saga_filter& f) {
              asked = f;
              saga_info i;
              i.id = "s-1";
              i.type = "order";
              i.state = saga_state::failed;
              i.message = "no stock";
              return std::vector<saga_info>{i};
            },
            [](const std::string& id) {
              if (id != "s-1") return saga_detail{};
              return compensated_saga();
            }};
  }
};

}  // namespace

TEST_CASE("a saga list query reads states, type, since and limit", "[unit]") {
  auto f = saga_filter_from_query(
      "state=FAILED&state=executing,Compensating&type=order%20v2&"
      "since=1700000000000&limit=7");
  CHECK(f.states == std::vector<saga_state>{saga_state::failed, saga_state::executing,
                                            saga_state::compensating});
  CHECK(f.type == "order v2");
  CHECK(f.since_unix_ms == 1700000000000);
  CHECK(f.limit == 7);

  auto defaults = saga_filter_from_query("");
  CHECK(defaults.states.empty());
  CHECK(defaults.type.empty());
  CHECK(defaults.limit == default_saga_list_limit);
  CHECK(saga_filter_from_query("state=&type=&").states.empty());  // empty: any
  CHECK(saga_filter_from_query("state=FAILED&state=failed").states.size() == 1);
}

TEST_CASE("a bad saga list query is refused naming the parameter", "[unit]") {
  CHECK(refused_parameter("state=DONE") == "state");
  CHECK(refused_parameter("state=FAILED,NOPE") == "state");
  CHECK(refused_parameter("limit=0") == "limit");
  CHECK(refused_parameter("limit=" + std::to_string(dashboard_saga_list_max + 1)) == "limit");
  CHECK(refused_parameter("limit=" + std::to_string(dashboard_saga_list_max)).empty());
  CHECK(refused_parameter("limit=ten") == "limit");
  CHECK(refused_parameter("limit=") == "limit");
  CHECK(refused_parameter("since=-5") == "since");
  CHECK(refused_parameter("since=yesterday") == "since");
  CHECK(refused_parameter("type=a%0Ab") == "type");
  CHECK(refused_parameter("type=" + std::string(max_saga_id_length + 1, 't')) == "type");
  CHECK(refused_parameter("type=%zz") == "type");
  CHECK(refused_parameter("owner=me") == "owner");
  CHECK_THROWS_WITH(saga_filter_from_query("state=BOGUS"), Catch::Contains("\"BOGUS\""));
}

TEST_CASE("a saga id is checked before it is looked up", "[unit]") {
  CHECK(checked_saga_id("6f1c0a7e-1b2d-4c3e-9f00-123456789abc") ==
        "6f1c0a7e-1b2d-4c3e-9f00-123456789abc");
  CHECK_THROWS_AS(checked_saga_id(""), bad_parameter);
  CHECK_THROWS_AS(checked_saga_id(std::string(max_saga_id_length + 1, 'x')), bad_parameter);
  CHECK_THROWS_AS(checked_saga_id(std::string{"a\0b", 3}), bad_parameter);
}

TEST_CASE("the saga replies are JSON with a status, errors included", "[unit]") {
  fake_source fake;
  auto src = fake.source();

  auto list = saga_list_reply("state=FAILED&limit=1", src);
  CHECK(list.status == 200);
  auto j = json::parse(list.body);
  CHECK(j["filter"]["states"] == json::array({"FAILED"}));
  CHECK(j["more"] == true);  // as many as the limit: maybe more
  REQUIRE(j["sagas"].size() == 1);
  CHECK(j["sagas"][0]["state"] == "FAILED");
  CHECK(fake.asked.limit == 1);

  auto bad = saga_list_reply("limit=99999", src);
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["parameter"] == "limit");

  auto detail = json::parse(saga_detail_reply("s-1", src).body);
  CHECK(detail["type"] == "order<&>");  // as it is: the page writes it as text
  CHECK(detail["state"] == "COMPENSATED");
  REQUIRE(detail["steps"].size() == 2);
  CHECK(detail["steps"][0]["compensation_attempts"] == 2);
  CHECK(detail["steps"][1]["error"] == "no stock");
  CHECK(detail["events"][0]["by"] == "alice");
  CHECK(detail["context"]["order"] == "42");

  auto missing = saga_detail_reply("s-2", src);
  CHECK(missing.status == 404);
  CHECK_THAT(json::parse(missing.body)["error"].get<std::string>(), Catch::Contains("s-2"));
  CHECK(saga_detail_reply("", src).status == 400);
  auto odd = saga_detail_reply("\xff\xfe", src);  // not UTF-8: still a JSON answer
  CHECK(odd.status == 404);
  CHECK_NOTHROW(json::parse(odd.body));

  saga_source down{[](const saga_filter&) -> std::vector<saga_info> {
                     throw std::runtime_error("saga list: no answer: timeout");
                   },
                   nullptr};
  auto unavailable = saga_list_reply("", down);
  CHECK(unavailable.status == 503);
  CHECK_THAT(json::parse(unavailable.body)["error"].get<std::string>(),
             Catch::Contains("no answer: timeout"));
  CHECK(saga_detail_reply("s-1", down).status == 503);
}

TEST_CASE("the HTTP server routes /api/sagas and /api/sagas/<id> to the saga replies", "[unit]") {
  fake_source fake;
  auto src = fake.source();
  http_routes routes;
  routes.saga_list = [src](std::string_view q) { return saga_list_reply(q, src); };
  routes.saga_detail = [src](std::string_view id) { return saga_detail_reply(id, src); };
  http_server server{"127.0.0.1", 0, routes};

  auto list = http_get(server.port(), "/api/sagas?type=a%26b&state=FAILED");
  CHECK(list.status == 200);
  CHECK(list.header("content-type") == "application/json");
  CHECK(fake.asked.type == "a&b");  // decoded after splitting at '&'

  CHECK(http_get(server.port(), "/api/sagas/s-1").status == 200);
  CHECK(http_get(server.port(), "/api/sagas/s%2D1").status == 200);
  auto unknown = http_get(server.port(), "/api/sagas/nope");
  CHECK(unknown.status == 404);
  CHECK(unknown.header("content-type") == "application/json");
  auto bad = http_get(server.port(), "/api/sagas?state=NOPE");
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["parameter"] == "state");
  CHECK(http_get(server.port(), "/api/sagasx").status == 404);

  http_server without{"127.0.0.1", 0, http_routes{}};
  CHECK(http_get(without.port(), "/api/sagas").status == 404);
}
