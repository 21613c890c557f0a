// The live dashboard in a real browser while a real runtime works: headless Chromium renders the
// page, and the tests read what a person sees — the figures, the cards' windows, the charts'
// data (from the Chart.js instances), the panels' rectangles — through the DevTools protocol
// (devtools_page.hpp). The first test also takes a screenshot; a hidden one takes the README's.
//
// Without Chromium the tests warn and pass, unless ACTORTX_REQUIRE_BROWSER is set and not 0
// (scripts/test.sh, which .ci/run runs, sets it and installs chromium).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "browser/dashboard_workload.hpp"
#include "browser/devtools_page.hpp"
#include "browser/headless_chromium.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using test::devtools_page;

#ifndef ACTORTX_SCREENSHOT_DEFAULT
#define ACTORTX_SCREENSHOT_DEFAULT "dashboard.png"
#endif

namespace {

std::string text(devtools_page& page, const std::string& id) {
  return page.evaluate("document.getElementById('" + id + "').textContent").get<std::string>();
}

/// Waits for the page's first successful refresh.
void await_refresh(devtools_page& page) {
  REQUIRE(page.wait_for("$('refreshed').textContent !== 'never' && !$('status').textContent") ==
          true);
}

/// The cells' texts of the row of table body `id` whose first cell is `first` ([] if none).
devtools_page::json row_of(devtools_page& page, const std::string& id, const std::string& first) {
  return page.evaluate("(() => { const r = [...$('" + id +
                       "').rows].find((tr) => tr.cells[0].textContent === '" + first +
                       "'); return r ? [...r.cells].map((c) => c.textContent) : []; })()");
}

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string percent_text(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", share * 100);
  return buf;
}

}  // namespace

TEST_CASE("the dashboard shows health, throughput, sagas and a raised alert in Chromium",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  runtime rt{test::dashboard_test_config(db), test::workload_sagas()};
  test::background_workload workload{rt, true};
  alert a;
  a.rule = "browser_test";
  a.level = alert_level::warning;
  a.message = "browser-test alert 42";
  a.value = 42;
  a.unix_ms = unix_ms_now();
  rt.raise_alert(a);
  // Alerts and records reach the metrics actor asynchronously.
  auto alert_listed = [&] {
    for (const auto& x : rt.alerts())
      if (x.message == a.message) return true;
    return false;
  };
  REQUIRE(test::eventually([&] {
    auto m = rt.metrics();
    return alert_listed() && m.overall.committed >= 50 && m.overall.rolled_back > 0 &&
           m.overall.failed > 0 && m.sagas.by_state[4] > 0;  // one compensated
  }));

  devtools_page page{chromium, test::dashboard_url(rt)};
  await_refresh(page);
  // Two polls apart: the throughput card has a rate over time.
  REQUIRE(page.wait_for("$('throughput-sub').textContent.startsWith('committed, last')") == true);
  auto score = text(page, "health-score");
  INFO("health score: " << score);
  REQUIRE(!score.empty());
  REQUIRE(score.find_first_not_of("0123456789") == std::string::npos);
  CHECK(std::stoi(score) <= 100);
  CHECK(std::stod(text(page, "throughput")) > 0);
  CHECK(text(page, "lat-60-p50").find(" ms") != std::string::npos);
  CHECK(text(page, "lat-300-p99").find("s") != std::string::npos);
  auto alerts = page.evaluate("$('alerts').innerText").get<std::string>();
  CHECK(alerts.find("browser-test alert 42") != std::string::npos);
  CHECK(alerts.find("WARNING") != std::string::npos);
  CHECK(row_of(page, "labels", "browser-insert").size() == 10);
  CHECK(text(page, "charts-note").empty());  // Chart.js loaded: no "charts unavailable"
  CHECK(page.wait_for("$('sagas').innerText.includes('compensated')") == true);
  CHECK(text(page, "refreshed").size() == 8);  // HH:MM:SS

  // For a person to look at (not compared): the page with some seconds of traffic behind it.
  const std::string png = ACTORTX_SCREENSHOT_DEFAULT;
  std::filesystem::remove(png);
  test::headless_chromium{chromium}.screenshot(test::dashboard_url(rt), png, 5000, "1400,1400");
  workload.stop();
  auto image = test::slurp(png);
  REQUIRE(image.size() > 10000);
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  WARN("dashboard screenshot: " << png << " (" << image.size() / 1024 << " KiB)");
}

TEST_CASE("the latency cards state their window and an empty trend bucket is a gap in the chart",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  auto cfg = test::dashboard_test_config(db);
  cfg.observability.trend_bucket = 1s;
  runtime rt{cfg};
  devtools_page page{chromium, test::dashboard_url(rt)};
  await_refresh(page);

  // Nothing ran yet: no figure, and each card says so for its own window.
  CHECK(page.evaluate("document.querySelector('#latency-60 h2').textContent") ==
        "Latency · last 1 min");
  CHECK(page.evaluate("[...document.querySelectorAll('.latency .k')].map((k) => k.textContent)") ==
        devtools_page::json{"p50 · last 1 min", "p99 · last 1 min", "p50 · last 5 min",
                            "p99 · last 5 min"});
  CHECK(text(page, "lat-60-p50") == "—");
  CHECK(text(page, "lat-300-p99") == "—");
  CHECK(text(page, "lat-60-sub") == "no transactions in the last 1 min");
  CHECK(text(page, "lat-300-sub") == "no transactions in the last 5 min");
  CHECK(page.evaluate("[...document.querySelectorAll('.kpi')].some((k) => "
                      "/since start/.test(k.innerText) && k.id !== 'success-card')") == false);

  // A burst, a quiet spell longer than two whole buckets, a burst.
  for (int i = 1; i <= 20; ++i) REQUIRE(test::insert_item(rt, "burst", i).committed());
  std::this_thread::sleep_for(3500ms);  // the quiet spell under test, not a synchronisation
  for (int i = 21; i <= 40; ++i) REQUIRE(test::insert_item(rt, "burst", i).committed());
  REQUIRE(test::eventually([&] { return rt.metrics().overall.committed == 40; }));

  // In the latency chart a bucket without transactions is null (a gap), between buckets with
  // a p50; the throughput chart has a true zero there; lines are straight and skip no gap.
  auto gap = page.wait_for(R"((() => {
    const lat = Chart.getChart('chart-latency'), tput = Chart.getChart('chart-throughput');
    const d = lat.data.datasets[0].data;
    const first = d.findIndex((x) => x !== null);
    const last = d.length - 1 - [...d].reverse().findIndex((x) => x !== null);
    for (let i = first + 1; first >= 0 && i < last; ++i)
      if (d[i] === null)
        return {p50: d[first], throughput: tput.data.datasets[0].data[i],
                spanGaps: lat.options.spanGaps, tension: lat.data.datasets[0].tension};
    return null; })())");
  INFO("gap: " << gap.dump());
  REQUIRE(gap.is_object());
  CHECK(gap["p50"].get<double>() > 0);
  CHECK(gap["throughput"] == 0);
  CHECK(gap["spanGaps"] == false);
  CHECK(gap["tension"] == 0);
  REQUIRE(page.wait_for("$('lat-60-sub').textContent === '40 finished in the last 1 min'") == true);
  CHECK(text(page, "lat-60-p99").find(" ms") != std::string::npos);
}

TEST_CASE("the range selector sets how many trend buckets the charts show and is remembered",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  auto cfg = test::dashboard_test_config(db);
  cfg.observability.trend_bucket = 1s;
  runtime rt{cfg};
  devtools_page page{chromium, test::dashboard_url(rt)};
  await_refresh(page);
  // One point per 1 s bucket of the range (one more while the newest is filling).
  auto points_after_choosing = [&](int seconds) {
    page.evaluate("document.querySelector('#range button[data-seconds=\"" +
                  std::to_string(seconds) + "\"]').click()");
    return page.wait_for(
        "(() => { const n = Chart.getChart('chart-latency').data.labels.length;"
        " return n === " +
            std::to_string(seconds) + " || n === " + std::to_string(seconds + 1) + " ? n : 0; })()",
        10s);
  };
  CHECK(points_after_choosing(300) > 0);
  CHECK(page.evaluate("document.querySelector('#range [aria-pressed=true]').textContent") ==
        "5 min");
  CHECK(page.evaluate("document.querySelector('.range-name').textContent") == "5 min");
  CHECK(points_after_choosing(3600) > 0);
  CHECK(page.evaluate("Chart.getChart('chart-throughput').data.labels.length") >= 3600);

  page.navigate(test::dashboard_url(rt));  // a reload keeps the choice
  await_refresh(page);
  CHECK(page.evaluate("document.querySelector('#range [aria-pressed=true]').dataset.seconds") ==
        "3600");
  CHECK(page.wait_for("Chart.getChart('chart-latency').data.labels.length >= 3600") == true);
  page.navigate(test::dashboard_url(rt, "?range=300"));  // a link to a view wins
  await_refresh(page);
  CHECK(page.evaluate("document.querySelector('#range [aria-pressed=true]').dataset.seconds") ==
        "300");
}

TEST_CASE("one success figure with its definition; rollbacks, causes and library work apart",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  runtime rt{test::dashboard_test_config(db), test::workload_sagas()};
  // 12 orders: 6 and 12 hit a duplicate key; 4 and 8 are rolled back by their body.
  for (int i = 1; i <= 12; ++i) test::insert_item(rt, "orders", i, 6, 4);
  for (int i = 0; i < 3; ++i) REQUIRE(rt.run_saga("browser_noop").state == saga_state::committed);
  REQUIRE(test::eventually([&] {
    auto m = rt.metrics();
    return m.overall.finished() >= 15 && !m.internal_by_label.empty();
  }));
  const auto overall = rt.metrics().overall;
  devtools_page page{chromium, test::dashboard_url(rt)};
  await_refresh(page);
  REQUIRE(page.wait_for("$('internal').rows[0].cells.length > 1") == true);

  // The one success figure: the card, next to its definition, the health score's number.
  CHECK(page.evaluate("[...document.querySelectorAll('main > section')].filter((s) => "
                      "!s.querySelector('#alerts, #recommendations') && "
                      "/success/i.test(s.innerText)).map((s) => s.id)") ==
        devtools_page::json{"success-card"});
  CHECK(text(page, "success") == percent_text(overall.success_rate));
  CHECK(text(page, "success-definition").find("committed or") != std::string::npos);
  CHECK(page.evaluate("$('success-definition').innerText") ==
        "ended as the body decided: committed or rolled back by the body, ÷ finished");
  auto components = page.evaluate("$('components').innerText").get<std::string>();
  CHECK(components.find('%') == std::string::npos);  // points, not a second percentage

  // Rolled back is its own column, not failed; failed attempts are named by their cause.
  auto orders = row_of(page, "labels", "orders");
  REQUIRE(orders.size() == 10);
  orders.erase(orders.begin() + 8, orders.end());  // without p50 and p99
  CHECK(orders == devtools_page::json{"orders", "8", "2", "2", "0", "0", "0", "0"});
  CHECK(row_of(page, "causes", "23505 unique_violation") ==
        devtools_page::json{"23505 unique_violation", "2"});
  // The library's own transactions only in their panel.
  CHECK(page.evaluate("[...$('internal').rows].every((r) => "
                      "r.cells[0].textContent.startsWith('actortx.'))") == true);
  CHECK(page.evaluate("[...$('labels').rows].some((r) => "
                      "r.cells[0].textContent.startsWith('actortx.'))") == false);
  CHECK(text(page, "identity").find("database " + db.name()) != std::string::npos);
}

TEST_CASE("a long statement ends in an ellipsis inside the active panel, clear of the sagas",
          "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  runtime rt{test::dashboard_test_config(db), test::workload_sagas()};
  REQUIRE(rt.run_saga("browser_noop").state == saga_state::committed);
  std::string comment = "/* browser-long-statement:";
  while (comment.size() < 600) comment += " a report over every order of the year, grouped by";
  comment += " */";
  std::thread slow{[&] {
    auto opts = rt.default_options();
    opts.label = "year-end-report-with-a-rather-long-label-for-a-narrow-column";
    opts.timeout = 90s;  // ended by the cancel below
    rt.transact(opts, [&](tx& t) { t.exec("SELECT pg_sleep(60) " + comment); });
  }};
  devtools_page page{chromium, test::dashboard_url(rt)};
  await_refresh(page);
  REQUIRE(page.wait_for("[...$('active').rows].some((r) => r.cells.length > 5 && "
                        "r.cells[5].title.includes('browser-long-statement'))") == true);
  auto layout = page.evaluate(R"((() => {
    const active = $('active-panel'), sagas = $('sagas-panel').getBoundingClientRect();
    const row = [...$('active').rows].find(
        (r) => r.cells[5].title.includes('browser-long-statement'));
    const cell = row.cells[5];
    const spill = [...active.querySelectorAll('*')].filter(
        (e) => e.getBoundingClientRect().right > sagas.left + 0.5);
    return {spill: spill.map((e) => e.tagName + '#' + e.id),
            cut: cell.scrollWidth > cell.clientWidth,
            title: cell.title, ellipsis: getComputedStyle(cell).textOverflow,
            inside: cell.getBoundingClientRect().right <= active.getBoundingClientRect().right,
            started: [...$('sagas').querySelectorAll('.k')]
                .filter((k) => /start/i.test(k.textContent)).length}; })())");
  INFO("layout: " << layout.dump());
  db.exec(
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE "
      "'%browser-long-statement%' AND pid <> pg_backend_pid()");
  slow.join();
  CHECK(layout["spill"].empty());
  CHECK(layout["cut"] == true);
  CHECK(layout["ellipsis"] == "ellipsis");
  CHECK(layout["inside"] == true);
  CHECK(layout["title"].get<std::string>().find(" */") != std::string::npos);  // the whole text
  CHECK(layout["started"] == 1);  // "started" once: the state; the count is "launched"
}

TEST_CASE("with a dashboard token the page sends it on every request it makes", "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  auto cfg = test::dashboard_test_config(db);
  const std::string token = "browser-test-token-5f1c9a0b";
  cfg.dashboard.token = token;
  runtime rt{cfg, test::workload_sagas()};
  REQUIRE(rt.run_saga("browser_noop").state == saga_state::committed);
  devtools_page page{chromium, test::dashboard_url(rt, "?token=" + token)};
  await_refresh(page);
  // The server wants the token: without it the same request is refused.
  CHECK(page.evaluate("fetch('/api/dashboard.json').then((r) => r.status)") == 401);
  CHECK(page.wait_for("typeof Chart !== 'undefined' && !!Chart.getChart('chart-latency')") == true);
  CHECK(page.wait_for("$('saga-list').rows.length > 0 && "
                      "$('saga-list-note').textContent.includes('shown')") == true);
  CHECK(page.evaluate("$('link-json').href.endsWith('?token=" + token + "')") == true);
}

// Hidden (run it by name): the README's picture after minutes of mixed traffic, so that the
// charts have a history. ACTORTX_SCREENSHOT=$PWD/docs/dashboard.png renews docs/dashboard.png;
// ACTORTX_SCREENSHOT_SECONDS (default 240) sets how long the traffic runs first.
TEST_CASE("a screenshot of the dashboard after minutes of mixed traffic", "[.][screenshot]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;
  test::test_database db;
  test::create_workload_tables(db);
  auto cfg = test::dashboard_test_config(db);
  cfg.observability.trend_bucket = 2s;
  cfg.observability.runtime_name = "shop";
  runtime rt{cfg, test::workload_sagas()};
  test::background_workload workload{rt, true};
  const char* env_seconds = std::getenv("ACTORTX_SCREENSHOT_SECONDS");
  std::this_thread::sleep_for(std::chrono::seconds(env_seconds ? std::atoi(env_seconds) : 240));
  const char* env_png = std::getenv("ACTORTX_SCREENSHOT");
  const std::string png = env_png && *env_png ? env_png : ACTORTX_SCREENSHOT_DEFAULT;
  std::filesystem::remove(png);
  test::headless_chromium{chromium}.screenshot(test::dashboard_url(rt, "?range=300"), png, 5000,
                                               "1400,1900");
  workload.stop();
  REQUIRE(test::slurp(png).size() > 10000);
  WARN("dashboard screenshot: " << png);
}
