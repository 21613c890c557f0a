// The dashboard's saga endpoints on a running runtime with a saga log: a saga that failed and
// compensated is listed (and filtered), its detail has the steps, compensations and errors,
// and bad parameters are refused with 400 naming them.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <actortx/runtime.hpp>

#include "runtime/observability/saga_query.hpp"
#include "support/http_get.hpp"
#include "support/order_saga.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using json = nlohmann::json;
using actortx::test::http_get;

namespace {

/// A runtime with the dashboard on a free port and the order saga, on a database of its own
/// (the saga log lives in the fixed schema "actortx").
struct saga_dashboard {
  test::test_database db;
  runtime rt;

  static runtime_config config(const test::test_database& db) {
    auto cfg = test::test_config(db);
    cfg.sagas.node_id = "dash-node-" + db.name();
    cfg.dashboard.enabled = true;
    cfg.dashboard.port = 0;
    return cfg;
  }
  static saga_registry registry() {
    saga_registry reg;
    test::define_order_saga(reg);
    reg.define("dash_noop").step("nothing", [](tx& t, saga_context&) { t.exec("SELECT 1"); });
    return reg;
  }

  /// The order saga's tables made, the config to run it.
  static runtime_config prepared(test::test_database& db) {
    test::create_order_tables(db);
    return config(db);
  }

  saga_dashboard() : rt{prepared(db), registry()} {}

  json get_json(const std::string& path, int status) {
    auto r = http_get(rt.dashboard_port(), path);
    INFO(path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == status);
    CHECK(r.header("content-type") == "application/json");
    return json::parse(r.body);
  }
  /// The ids in a listing, in its order.
  std::vector<std::string> listed(const std::string& query) {
    std::vector<std::string> ids;
    const auto list = get_json("/api/sagas" + query, 200);  // kept: the loop reads into it
    for (const auto& s : list["sagas"]) ids.push_back(s["id"]);
    return ids;
  }
};

}  // namespace

TEST_CASE("/api/sagas lists a compensated saga newest first and filters by state and type",
          "[pg][saga]") {
  saga_dashboard f;
  auto failed = f.rt.run_saga(test::order_saga_type, {{"item", "lamp"}});
  REQUIRE(failed.state == saga_state::compensated);
  auto done = f.rt.run_saga("dash_noop");
  REQUIRE(done.state == saga_state::committed);

  auto all = f.get_json("/api/sagas", 200);
  REQUIRE(all["sagas"].size() == 2);
  CHECK(all["sagas"][0]["id"] == done.id);  // newest first
  const auto& order = all["sagas"][1];
  CHECK(order["id"] == failed.id);
  CHECK(order["type"] == test::order_saga_type);
  CHECK(order["state"] == "COMPENSATED");
  CHECK(order["owner"] == f.rt.node_id());
  CHECK_FALSE(order["updated_at"].get<std::string>().empty());
  CHECK(all["more"] == false);

  CHECK(f.listed("?state=COMPENSATED") == std::vector<std::string>{failed.id});
  CHECK(f.listed("?state=compensated,committed").size() == 2);
  CHECK(f.listed("?state=FAILED").empty());
  CHECK(f.listed("?type=dash_noop") == std::vector<std::string>{done.id});
  CHECK(f.listed("?type=dash_order&state=COMMITTED").empty());
  auto one = f.get_json("/api/sagas?limit=1", 200);
  CHECK(one["sagas"].size() == 1);
  CHECK(one["more"] == true);
}

TEST_CASE("/api/sagas/<id> shows the steps, the compensations and the errors", "[pg][saga]") {
  saga_dashboard f;
  auto out = f.rt.run_saga(test::order_saga_type, {{"item", "chair"}});
  REQUIRE(out.state == saga_state::compensated);

  auto s = f.get_json("/api/sagas/" + out.id, 200);
  CHECK(s["id"] == out.id);
  CHECK(s["state"] == "COMPENSATED");
  CHECK_THAT(s["error"].get<std::string>(), Catch::Contains(test::ship_error));
  CHECK(s["context"]["item"] == "chair");
  REQUIRE(s["steps"].size() == 3);
  const auto& reserve = s["steps"][0];
  CHECK(reserve["name"] == "reserve");
  CHECK(reserve["state"] == "COMPENSATED");
  CHECK(reserve["compensation_attempts"] == 1);
  const auto& charge = s["steps"][1];
  CHECK(charge["state"] == "COMPENSATED");
  CHECK(charge["compensation_attempts"] == 2);  // the first refund failed
  const auto& ship = s["steps"][2];
  CHECK(ship["number"] == 2);
  CHECK(ship["state"] == "FAILED");
  CHECK_THAT(ship["error"].get<std::string>(), Catch::Contains(test::ship_error));
  CHECK(ship["node"] == f.rt.node_id());
  CHECK_FALSE(ship["updated_at"].get<std::string>().empty());
  // What the log holds, seen from the database.
  CHECK(f.db.value<int64_t>("SELECT count(*) FROM holds") == 0);
  CHECK(f.db.value<int64_t>("SELECT count(*) FROM charges") == 0);
  CHECK(f.db.value<int>("SELECT compensation_attempts FROM actortx.saga_step WHERE saga_id = '" +
                        out.id + "' AND step_no = 1") == 2);
}

TEST_CASE("the saga endpoints refuse bad parameters with 400 naming them, unknown ids with 404",
          "[pg][saga]") {
  saga_dashboard f;
  auto parameter = [&](const std::string& path) {
    return f.get_json(path, 400)["parameter"].get<std::string>();
  };
  CHECK(parameter("/api/sagas?state=DONE") == "state");
  CHECK(parameter("/api/sagas?limit=0") == "limit");
  CHECK(parameter("/api/sagas?limit=10001") == "limit");
  CHECK(parameter("/api/sagas?limit=many") == "limit");
  CHECK(parameter("/api/sagas?since=-1") == "since");
  CHECK(parameter("/api/sagas?colour=red") == "colour");
  CHECK(parameter("/api/sagas/" + std::string(201, 'x')) == "id");
  CHECK(parameter("/api/sagas/a%01b") == "id");
  CHECK(parameter("/api/sagas/") == "id");
  auto missing = f.get_json("/api/sagas/no-such-saga", 404);
  CHECK_THAT(missing["error"].get<std::string>(), Catch::Contains("no-such-saga"));
  CHECK(f.get_json("/api/sagas", 200)["sagas"].empty());  // still serving
}

TEST_CASE("a listing of hundreds of sagas is cut at its limit and says there are more",
          "[pg][saga]") {
  saga_dashboard f;
  constexpr int per_thread = 60, threads = 4;  // 240 sagas, newest first
  std::atomic<int> committed{0};               // Catch's assertions are not for other threads
  std::vector<std::thread> runners;
  for (int t = 0; t < threads; ++t)
    runners.emplace_back([&f, &committed] {
      for (int i = 0; i < per_thread; ++i)
        if (f.rt.run_saga("dash_noop").state == saga_state::committed) ++committed;
    });
  for (auto& r : runners) r.join();
  REQUIRE(committed == per_thread * threads);
  const size_t total = per_thread * threads;

  auto page = f.get_json("/api/sagas", 200);
  CHECK(page["sagas"].size() == default_saga_list_limit);
  CHECK(page["more"] == true);
  auto all = f.get_json("/api/sagas?limit=" + std::to_string(total + 10), 200);
  REQUIRE(all["sagas"].size() == total);
  CHECK(all["more"] == false);
  for (size_t i = 1; i < total; ++i)  // newest first
    CHECK(all["sagas"][i - 1]["created_at"] >= all["sagas"][i]["created_at"]);
  CHECK(f.db.value<size_t>("SELECT count(*) FROM actortx.saga") == total);
}
