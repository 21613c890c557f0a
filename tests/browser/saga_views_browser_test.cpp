// The dashboard's saga views in a real browser: a saga fails at its last step and compensates,
// after more sagas than a page shows; headless Chromium shows it first in the saga list (its row
// links to #saga=<id>, which a click opens) and, at that URL, the detail view with the steps, the
// compensations and the error, written as text (the error's markup stays text).
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "browser/headless_chromium.hpp"
#include "runtime/observability/saga_query.hpp"
#include "support/order_saga.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using test::markup_of;
using test::tag_of;
using test::text_of;

#ifndef ACTORTX_SCREENSHOT_DIR
#define ACTORTX_SCREENSHOT_DIR "."
#endif

namespace {

runtime_config saga_dashboard_config(const test::test_database& db) {
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "browser-node-" + db.name();
  cfg.dashboard.enabled = true;
  cfg.dashboard.port = 0;
  return cfg;
}

saga_registry order_and_noop() {
  saga_registry reg;
  test::define_order_saga(reg);
  reg.define("browser_noop").step("nothing", [](tx& t, saga_context&) { t.exec("SELECT 1"); });
  return reg;
}

/// The markup of the table body with id="<id>".
std::string rows_of(const std::string& dom, const std::string& id) {
  return markup_of(dom, id, "</tbody>");
}

}  // namespace

TEST_CASE("the saga list and a saga's detail view show its steps, compensations and error",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;

  test::test_database db;
  test::create_order_tables(db);
  runtime rt{saga_dashboard_config(db), order_and_noop()};
  // More than a page: the list shows the newest ones and offers more.
  constexpr int committed_n = static_cast<int>(default_saga_list_limit) + 10;
  for (int i = 0; i < committed_n; ++i)
    REQUIRE(rt.run_saga("browser_noop").state == saga_state::committed);
  auto order = rt.run_saga(test::order_saga_type, {{"item", "desk lamp"}});
  REQUIRE(order.state == saga_state::compensated);
  const std::string url = "http://127.0.0.1:" + std::to_string(rt.dashboard_port()) + "/";
  test::headless_chromium browser{chromium};

  // The list: every saga, the compensated one first (newest), its row a link to its view.
  auto dom = browser.dump_dom(url, 3000);
  auto list = rows_of(dom, "saga-list");
  INFO("saga list: " << list.substr(0, 4000));
  CHECK(text_of(dom, "saga-list-note") ==
        std::to_string(default_saga_list_limit) + "+ shown · newest first");
  CHECK(tag_of(dom, "saga-more").find("hidden") == std::string::npos);  // "load more"
  auto first_row = list.substr(0, list.find("</tr>"));
  CHECK(first_row.find(order.id) != std::string::npos);
  CHECK(first_row.find(">COMPENSATED<") != std::string::npos);
  CHECK(first_row.find(">dash_order<") != std::string::npos);
  CHECK(list.find("href=\"#saga=" + order.id + "\"") != std::string::npos);
  CHECK(tag_of(dom, "saga-detail").find("hidden") != std::string::npos);  // nothing opened yet

  // The detail view, as a click on the row opens it (or a link to it).
  auto detail_url = url + "#saga=" + order.id;
  dom = browser.dump_dom(detail_url, 3000);
  INFO("detail: " << markup_of(dom, "saga-detail", "</section>").substr(0, 6000));
  CHECK(tag_of(dom, "saga-detail").find("hidden") == std::string::npos);
  CHECK(text_of(dom, "saga-detail-note").empty());  // no "cannot show this saga"
  CHECK(text_of(dom, "saga-id") == order.id);
  auto steps = rows_of(dom, "saga-steps");
  for (const char* name : {">reserve<", ">charge<", ">ship<"})
    CHECK(steps.find(name) != std::string::npos);
  CHECK(steps.find(">compensated · 1 run<") != std::string::npos);   // reserve
  CHECK(steps.find(">compensated · 2 runs<") != std::string::npos);  // charge, after a failure
  CHECK(steps.find(">FAILED<") != std::string::npos);                // ship
  // The carrier's error, its markup as text: no <b> element came out of it.
  CHECK(steps.find("carrier refused: no truck &lt;b&gt;today&lt;/b&gt;") != std::string::npos);
  CHECK(dom.find("<b>today</b>") == std::string::npos);
  CHECK(text_of(dom, "saga-error").find("no truck &lt;b&gt;today") != std::string::npos);
  CHECK(rows_of(dom, "saga-context").find(">desk lamp<") != std::string::npos);

  // For a person to look at (not compared): the detail view as a browser shows it.
  const std::string png = std::string{ACTORTX_SCREENSHOT_DIR} + "/dashboard-saga.png";
  browser.screenshot(detail_url, png, 3000, "1400,2600");
  CHECK(test::slurp(png).size() > 10000);
  WARN("saga detail screenshot: " << png);
}
