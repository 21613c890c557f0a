// /metrics, /healthz and /readyz on a running runtime: the metrics endpoint alone (no
// dashboard), readiness that follows the database and saga recovery, and the dashboard's token.
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "support/captured_log.hpp"
#include "support/http_get.hpp"
#include "support/http_with_headers.hpp"
#include "support/order_saga.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using actortx::test::http_get;
using actortx::test::http_get_with_headers;
using actortx::test::http_response;

namespace {

constexpr const char* token = "h3-token-0123456789abcdef";

/// Polls GET `path` until `done` holds for the response (or `within` passed); the last one.
http_response await_get(uint16_t port, const std::string& path,
                        const std::function<bool(const http_response&)>& done,
                        std::chrono::milliseconds within = 20s) {
  const auto until = std::chrono::steady_clock::now() + within;
  auto r = http_get(port, path);
  while (!done(r) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    r = http_get(port, path);
  }
  return r;
}

runtime_config endpoint_only(runtime_config cfg) {
  cfg.metrics_endpoint.enabled = true;
  cfg.metrics_endpoint.port = 0;
  cfg.observability.runtime_name = "h3-endpoint";
  return cfg;
}

/// Runs `sql` as the fixture's superuser, outside the database under test.
void admin(const std::string& sql) {
  pqxx::connection c{dsn_from_environment()};
  pqxx::nontransaction w{c};
  w.exec(sql);
}

}  // namespace

TEST_CASE("the metrics endpoint serves /metrics, /healthz, /readyz without the dashboard", "[pg]") {
  test::test_schema schema;
  runtime rt{endpoint_only(test::test_config(schema))};
  REQUIRE(rt.metrics_port() != 0);
  CHECK(rt.dashboard_port() == 0);
  rt.transact(rt.default_options(), [](tx& t) { t.exec("SELECT 1"); });

  auto metrics = http_get(rt.metrics_port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics.body.find("\"h3-endpoint\"") != std::string::npos);  // its identity
  auto live = http_get(rt.metrics_port(), "/healthz");
  CHECK(live.status == 200);
  CHECK(live.body == "ok\n");
  auto ready = http_get(rt.metrics_port(), "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");
  for (const char* path : {"/", "/index.html", "/api/dashboard.json", "/api/sagas"}) {
    INFO(path);
    CHECK(http_get(rt.metrics_port(), path).status == 404);
  }
  auto r = rt.ready();
  CHECK(r.ready);
  CHECK(r.pool_connected);
  CHECK(r.sagas_recovered);  // no saga types: nothing to recover
  CHECK(r.reason.empty());
}

TEST_CASE("/readyz is 503 with the reason while the database refuses connections, then 200",
          "[pg]") {
  test::test_database db;
  runtime rt{endpoint_only(test::test_config(db))};
  const auto port = rt.metrics_port();
  REQUIRE(http_get(port, "/readyz").status == 200);

  // The pool's connections cut and new ones refused: the server is up, this database is not.
  admin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS false");
  admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() +
        "'");
  auto down = await_get(port, "/readyz", [](const http_response& r) { return r.status == 503; });
  CHECK(down.status == 503);
  CHECK_THAT(down.body, Catch::StartsWith("not ready: the database does not answer"));
  CHECK(down.header("content-type") == "text/plain; charset=utf-8");
  auto r = rt.ready();
  CHECK_FALSE(r.ready);
  CHECK_FALSE(r.pool_connected);
  CHECK(r.sagas_recovered);
  // Alive all the same: liveness does not depend on the database.
  CHECK(http_get(port, "/healthz").status == 200);

  admin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS true");
  auto up = await_get(port, "/readyz", [](const http_response& r) { return r.status == 200; });
  CHECK(up.status == 200);
  CHECK(up.body == "ready\n");
}

TEST_CASE("readiness waits for saga recovery's first round after start", "[pg][saga]") {
  test::test_database db;
  test::create_order_tables(db);
  saga_registry sagas;
  test::define_order_saga(sagas);
  auto cfg = endpoint_only(test::test_config(db));
  cfg.sagas.recovery_interval = 200ms;
  { runtime first{cfg, sagas}; }  // creates the saga log

  // The saga log locked: the first claim round cannot finish.
  pqxx::connection locker{db.dsn()};
  pqxx::work hold{locker};
  hold.exec("LOCK TABLE actortx.saga IN ACCESS EXCLUSIVE MODE");
  runtime rt{cfg, sagas};
  auto waiting = rt.ready();
  CHECK_FALSE(waiting.ready);
  CHECK(waiting.pool_connected);
  CHECK_FALSE(waiting.sagas_recovered);
  CHECK(waiting.reason == "saga recovery has not finished its first round since start");
  auto body = http_get(rt.metrics_port(), "/readyz");
  CHECK(body.status == 503);
  CHECK(body.body == "not ready: saga recovery has not finished its first round since start\n");

  hold.commit();
  auto up = await_get(rt.metrics_port(), "/readyz",
                      [](const http_response& r) { return r.status == 200; });
  CHECK(up.body == "ready\n");
  CHECK(rt.ready().sagas_recovered);
}

TEST_CASE("with a token the dashboard and its probes answer 401 without it, 200 with it", "[pg]") {
  test::test_schema schema;
  auto cfg = endpoint_only(test::test_config(schema));
  cfg.dashboard.enabled = true;
  cfg.dashboard.port = 0;
  cfg.dashboard.token = token;
  cfg.log_level = "info";
  test::captured_log log;
  runtime rt{cfg};
  const auto port = rt.dashboard_port();
  REQUIRE(port != 0);

  for (const char* path : {"/", "/metrics", "/healthz", "/readyz", "/api/dashboard.json"}) {
    INFO(path);
    auto refused = http_get(port, path);
    CHECK(refused.status == 401);
    CHECK(refused.header("www-authenticate") == "Bearer realm=\"actortx\"");
    CHECK(http_get_with_headers(port, path, std::string{"Authorization: Bearer "} + token + "\r\n")
              .status == 200);
    CHECK(http_get(port, std::string{path} + "?token=" + token).status == 200);
  }
  auto json = http_get_with_headers(port, "/api/dashboard.json",
                                    std::string{"Authorization: Bearer "} + token + "\r\n");
  CHECK(json.body.find(token) == std::string::npos);
  // The metrics endpoint asks for no token.
  CHECK(http_get(rt.metrics_port(), "/metrics").status == 200);

  // Started, and said so without the token.
  CHECK(log.count("dashboard on http://127.0.0.1:" + std::to_string(port) + "/") == 1);
  CHECK(log.count("metrics endpoint on http://127.0.0.1:" + std::to_string(rt.metrics_port()) +
                  "/metrics") == 1);
  CHECK(log.count(token) == 0);
}

TEST_CASE("a dashboard beyond loopback without a token does not start", "[pg]") {
  test::test_schema schema;
  auto cfg = test::test_config(schema);
  cfg.dashboard.enabled = true;
  cfg.dashboard.bind = "0.0.0.0";
  cfg.dashboard.port = 0;
  try {
    runtime rt{cfg};
    FAIL("a runtime started a dashboard on 0.0.0.0 without a token");
  } catch (const config_error& e) {
    CHECK(e.field() == "actortx.dashboard-token");
    CHECK_THAT(e.what(), Catch::Contains("beyond loopback"));
  }
}

// A hang in these two shows as the test's timeout: ~actor_system waited for a thread that had
// used the runtime's actor system and lived on (blocking_self.hpp).
TEST_CASE("a runtime scraped by another runtime's /metrics stops while that one runs on", "[pg]") {
  test::test_schema schema;
  runtime scraper{endpoint_only(test::test_config(schema))};
  std::optional<runtime> scraped;
  auto cfg = test::test_config(schema);
  cfg.observability.runtime_name = "h3-scraped";
  scraped.emplace(cfg);
  auto text = http_get(scraper.metrics_port(), "/metrics").body;
  CHECK(text.find("\"h3-scraped\"") != std::string::npos);
  scraped.reset();
  CHECK(http_get(scraper.metrics_port(), "/metrics").body.find("\"h3-scraped\"") ==
        std::string::npos);
}

TEST_CASE("a runtime built on one thread stops on another while the first lives on", "[pg]") {
  test::test_schema schema;
  std::optional<runtime> rt;
  std::promise<void> built, finished;
  std::thread builder{[&] {
    rt.emplace(test::test_config(schema));
    built.set_value();
    finished.get_future().wait();
  }};
  built.get_future().wait();
  CHECK(rt->transact(rt->default_options(), [](tx& t) { t.exec("SELECT 1"); }).committed());
  rt.reset();
  finished.set_value();
  builder.join();
  CHECK_FALSE(rt.has_value());
}
