#include "runtime/observability/http_server.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/observability/dashboard_page.hpp"
#include "support/http_get.hpp"
#include "support/http_with_headers.hpp"

using namespace actortx;
using actortx::test::http_get;
using actortx::test::http_get_with_headers;
using actortx::test::http_request;

namespace {

http_routes fake_routes() {
  http_routes r;
  r.metrics_text = [] { return std::string{"# TYPE x gauge\nx 1\n"}; };
  r.dashboard_json = [] { return std::string{"{\"snapshot\":{}}"}; };
  r.transactions_csv = [] { return std::string{"id,label\n1,a\n"}; };
  return r;
}

}  // namespace

TEST_CASE("http_server serves the routes with their content types", "[unit]") {
  http_server server{"127.0.0.1", 0, fake_routes()};
  REQUIRE(server.port() != 0);
  CHECK(server.url() == "http://127.0.0.1:" + std::to_string(server.port()) + "/");

  auto page = http_get(server.port(), "/");
  CHECK(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("id=\"health-score\"") != std::string::npos);
  // Loaded by the page's script, with the token when there is one.
  CHECK(page.body.find("'/static/chart.js'") != std::string::npos);

  auto metrics = http_get(server.port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics.body == "# TYPE x gauge\nx 1\n");
  CHECK(metrics.header("content-length") == std::to_string(metrics.body.size()));

  auto json = http_get(server.port(), "/api/dashboard.json?since=1");  // the query is ignored
  CHECK(json.status == 200);
  CHECK(json.header("content-type") == "application/json");
  CHECK(json.body == "{\"snapshot\":{}}");

  auto csv = http_get(server.port(), "/api/transactions.csv");
  CHECK(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  CHECK(csv.body == "id,label\n1,a\n");
}

TEST_CASE("the dashboard page has its embedded style and script inline", "[unit]") {
  const std::string page{dashboard_page_html()};
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("{{") == std::string::npos);  // every placeholder filled
  const auto style = page.find("<style>\n");
  REQUIRE(style != std::string::npos);
  CHECK(page.find(":root {", style) < page.find("</style>", style));
  const auto script = page.find("<script>\n");
  REQUIRE(script != std::string::npos);
  CHECK(page.find("async function poll()", script) < page.find("</script>", script));
  CHECK(page.size() > 15000);  // the whole page, not a stub
  CHECK(page.compare(page.size() - 8, 8, "</html>\n") == 0);
}

TEST_CASE("http_server answers 404 for unknown paths and 405 for other methods", "[unit]") {
  http_server server{"127.0.0.1", 0, fake_routes()};
  for (const char* path : {"/nope", "/metrics/", "/metricsx", "/api", "/static/other.js"}) {
    INFO(path);
    CHECK(http_get(server.port(), path).status == 404);
  }
  auto post = http_request("POST", "127.0.0.1", server.port(), "/metrics");
  CHECK(post.status == 405);
  CHECK(post.header("allow") == "GET, HEAD");
  CHECK(http_request("DELETE", "127.0.0.1", server.port(), "/").status == 405);
  auto head = http_request("HEAD", "127.0.0.1", server.port(), "/metrics");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  // Still serving after all that.
  CHECK(http_get(server.port(), "/metrics").status == 200);
}

TEST_CASE("http_server answers 500 when a route throws, and keeps serving", "[unit]") {
  auto routes = fake_routes();
  routes.dashboard_json = []() -> std::string { throw std::runtime_error("metrics timed out"); };
  routes.transactions_csv = []() -> std::string { throw 42; };
  routes.metrics_text = nullptr;
  http_server server{"127.0.0.1", 0, routes};

  auto json = http_get(server.port(), "/api/dashboard.json");
  CHECK(json.status == 500);
  CHECK(json.body == "internal error: metrics timed out\n");
  auto csv = http_get(server.port(), "/api/transactions.csv");
  CHECK(csv.status == 500);
  CHECK(csv.body == "internal error\n");
  CHECK(http_get(server.port(), "/metrics").status == 404);  // no route configured
  CHECK(http_get(server.port(), "/").status == 200);
}

TEST_CASE("http_server serves Chart.js from the configured file, 404 without it", "[unit]") {
  SECTION("installed") {
    auto routes = fake_routes();
    routes.chart_js_file = default_chart_js_path();
    if (routes.chart_js_file.empty()) {
      WARN("libjs-chart.js is not installed: only the missing case is tested");
      return;
    }
    http_server server{"127.0.0.1", 0, routes};
    auto js = http_get(server.port(), "/static/chart.js");
    CHECK(js.status == 200);
    CHECK(js.header("content-type") == "application/javascript; charset=utf-8");
    CHECK(js.body.find("Chart.js v") != std::string::npos);
    CHECK(js.body.size() == std::stoul(js.header("content-length")));
  }
  SECTION("missing") {
    auto routes = fake_routes();
    routes.chart_js_file = "/nonexistent/chart.min.js";
    http_server server{"127.0.0.1", 0, routes};
    auto js = http_get(server.port(), "/static/chart.js");
    CHECK(js.status == 404);
    CHECK(js.body.find("libjs-chart.js") != std::string::npos);
    CHECK(http_get(server.port(), "/").status == 200);  // the page itself still works
  }
}

TEST_CASE("http_server names address and port when it cannot listen", "[unit]") {
  http_server first{"127.0.0.1", 0, fake_routes()};
  const std::string where = "127.0.0.1:" + std::to_string(first.port());
  try {
    http_server second{"127.0.0.1", first.port(), fake_routes()};
    FAIL("a second server listened on " << where);
  } catch (const std::runtime_error& e) {
    CHECK(std::string{e.what()}.find(where) != std::string::npos);
  }
  CHECK(http_get(first.port(), "/metrics").status == 200);
}

TEST_CASE("http_server listens on the given address only", "[unit]") {
  http_server server{"127.0.0.1", 0, fake_routes()};
  // 127.0.0.2 is loopback too, but not the bound address.
  CHECK_THROWS_WITH(http_request("GET", "127.0.0.2", server.port(), "/metrics"),
                    Catch::Contains("cannot connect"));
}

TEST_CASE("http_server handles concurrent requests, also while a route is slow", "[unit]") {
  auto routes = fake_routes();
  routes.dashboard_json = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return std::string{"{}"};
  };
  http_server server{"127.0.0.1", 0, routes};
  std::thread slow{[&] { CHECK(http_get(server.port(), "/api/dashboard.json").status == 200); }};
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < 10; ++j)
        if (http_get(server.port(), "/metrics").status == 200) ++ok;
    });
  }
  for (auto& c : clients) c.join();
  slow.join();
  CHECK(ok == 80);
}

TEST_CASE("http_server answers the probes with one line of text, 200 or 503", "[unit]") {
  auto routes = fake_routes();
  std::atomic<bool> ready{false};
  routes.healthz = [] { return http_reply{200, "ok"}; };
  routes.readyz = [&ready] {
    return ready.load() ? http_reply{200, "ready"} : http_reply{503, "not ready: no database"};
  };
  http_server server{"127.0.0.1", 0, routes};
  auto live = http_get(server.port(), "/healthz");
  CHECK(live.status == 200);
  CHECK(live.body == "ok\n");
  CHECK(live.header("content-type") == "text/plain; charset=utf-8");
  CHECK(live.header("cache-control") == "no-store");
  auto unready = http_get(server.port(), "/readyz");
  CHECK(unready.status == 503);
  CHECK(unready.body == "not ready: no database\n");
  ready = true;
  CHECK(http_get(server.port(), "/readyz").body == "ready\n");
  http_server without{"127.0.0.1", 0, fake_routes()};
  CHECK(http_get(without.port(), "/healthz").status == 404);
}

TEST_CASE("a server without the page serves only its routes, 404 for the rest", "[unit]") {
  http_routes routes;
  routes.page = false;
  routes.metrics_text = [] { return std::string{"x 1\n"}; };
  routes.healthz = [] { return http_reply{200, "ok"}; };
  routes.readyz = [] { return http_reply{200, "ready"}; };
  http_server server{"127.0.0.1", 0, routes};
  CHECK(http_get(server.port(), "/metrics").body == "x 1\n");
  CHECK(http_get(server.port(), "/healthz").status == 200);
  CHECK(http_get(server.port(), "/readyz").status == 200);
  for (const char* path : {"/", "/index.html", "/static/chart.js", "/api/dashboard.json",
                           "/api/transactions.csv", "/api/sagas", "/api/sagas/s-1"}) {
    INFO(path);
    auto r = http_get(server.port(), path);
    CHECK(r.status == 404);
    CHECK(r.body == "not found\n");
  }
}

TEST_CASE("with a token every route needs it, as a Bearer header or ?token=", "[unit]") {
  const std::string token = "0123456789abcdef-token";
  auto routes = fake_routes();
  routes.healthz = [] { return http_reply{200, "ok"}; };
  http_server server{"127.0.0.1", 0, routes, token};
  for (const char* path : {"/", "/metrics", "/healthz", "/api/dashboard.json", "/nope"}) {
    INFO(path);
    auto refused = http_get(server.port(), path);
    CHECK(refused.status == 401);
    CHECK(refused.header("www-authenticate") == "Bearer realm=\"actortx\"");
    CHECK(refused.body.find(token) == std::string::npos);
  }
  CHECK(http_get(server.port(), "/metrics?token=wrong-token-0123456").status == 401);
  CHECK(http_get_with_headers(server.port(), "/metrics", "Authorization: Bearer nope\r\n").status ==
        401);

  auto with_header =
      http_get_with_headers(server.port(), "/metrics", "Authorization: Bearer " + token + "\r\n");
  CHECK(with_header.status == 200);
  CHECK(with_header.body == "# TYPE x gauge\nx 1\n");
  CHECK(http_get(server.port(), "/metrics?token=" + token).status == 200);
  CHECK(http_get(server.port(), "/?token=" + token).status == 200);
  CHECK(http_get(server.port(), "/healthz?token=" + token).body == "ok\n");
}

TEST_CASE("the saga list never sees the token of the query", "[unit]") {
  const std::string token = "0123456789abcdef-token";
  std::string seen = "(not called)";
  http_routes routes;
  routes.saga_list = [&seen](std::string_view q) {
    seen = std::string{q};
    return http_reply{200, "{}"};
  };
  http_server server{"127.0.0.1", 0, routes, token};
  CHECK(http_get(server.port(), "/api/sagas?state=FAILED&token=" + token).status == 200);
  CHECK(seen == "state=FAILED");
}
