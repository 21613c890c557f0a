// The live dashboard in a real browser: headless Chromium loads the page while a workload
// runs, and the rendered DOM must show the health score, a non-zero throughput and an alert
// the test raised. Then a screenshot (docs/dashboard.png is one of these).
//
// Without Chromium the test warns and passes, unless ACTORTX_REQUIRE_BROWSER is set and not 0
// (scripts/test.sh, which .ci/run runs, sets it and installs chromium).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "browser/headless_chromium.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using test::headless_chromium;
using test::slurp;
using test::text_of;
using namespace std::chrono_literals;

#ifndef ACTORTX_SCREENSHOT_DEFAULT
#define ACTORTX_SCREENSHOT_DEFAULT "dashboard.png"
#endif

namespace {

/// The markup inside <ul id="<id>">.
std::string list_of(const std::string& dom, const std::string& id) {
  return test::markup_of(dom, id, "</ul>");
}

/// Until stopped: two clients insert rows (one in 20 a duplicate key, so that failures show),
/// and a third runs a slow report that becomes long-running.
class background_workload {
 public:
  explicit background_workload(runtime& rt) {
    for (int c = 0; c < 2; ++c) {
      clients_.emplace_back([this, &rt] {
        auto opts = rt.default_options();
        opts.label = "browser-insert";
        for (int i = 1; !stop_; ++i) {
          auto out = rt.transact(opts, [i](tx& t) {
            if (i % 20 == 0)
              t.exec("INSERT INTO items(id) VALUES (1)");  // unique violation
            else
              t.exec("INSERT INTO items DEFAULT VALUES");
          });
          if (out.committed()) ++committed_;
          std::this_thread::sleep_for(2ms);  // leave the two cores some air for the browser
        }
      });
    }
    clients_.emplace_back([this, &rt] {
      auto opts = rt.default_options();
      opts.label = "nightly-report";
      while (!stop_) rt.transact(opts, [](tx& t) { t.exec("SELECT pg_sleep(2.5)"); });
    });
  }
  ~background_workload() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& c : clients_)
      if (c.joinable()) c.join();
  }
  int64_t committed() const { return committed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> committed_{0};
  std::vector<std::thread> clients_;
};

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("the dashboard shows health, throughput and a raised alert in Chromium", "[browser]") {
  const auto chromium = test::chromium_or_skip();
  if (chromium.empty()) return;

  test::test_schema db;
  db.exec("CREATE TABLE items(id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
  auto cfg = test::test_config(db);
  cfg.dashboard.enabled = true;
  cfg.dashboard.port = 0;
  cfg.transactions.long_running_threshold = 1s;
  runtime rt{cfg};
  const std::string url = "http://127.0.0.1:" + std::to_string(rt.dashboard_port()) + "/";

  background_workload workload{rt};
  alert a;
  a.rule = "browser_test";
  a.level = alert_level::warning;
  a.message = "browser-test alert 42";
  a.value = 42;
  a.unix_ms = unix_ms_now();
  rt.raise_alert(a);
  // Alerts and records reach the metrics actor asynchronously.
  const auto until = std::chrono::steady_clock::now() + 10s;
  auto alert_listed = [&] {
    for (const auto& x : rt.alerts())
      if (x.message == a.message) return true;
    return false;
  };
  while ((!alert_listed() || workload.committed() < 50 || rt.metrics().overall.committed < 50) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  REQUIRE(alert_listed());
  REQUIRE(workload.committed() >= 50);

  headless_chromium browser{chromium};
  // 5 s of page time: the first poll and two refreshes.
  auto dom = browser.dump_dom(url, 5000);
  INFO("DOM: " << dom.substr(0, 4000));

  CHECK(text_of(dom, "status").empty());  // no "refresh failed: ..." banner
  auto refreshed = text_of(dom, "refreshed");
  CHECK(refreshed != "never");
  CHECK(refreshed.size() == 8);  // HH:MM:SS

  auto score_text = text_of(dom, "health-score");
  INFO("health score: " << score_text);
  REQUIRE(!score_text.empty());
  REQUIRE(score_text.find_first_not_of("0123456789") == std::string::npos);
  const int score = std::stoi(score_text);
  CHECK(score >= 0);
  CHECK(score <= 100);

  auto throughput_text = text_of(dom, "throughput");
  INFO("throughput: " << throughput_text);
  double throughput = 0;
  REQUIRE_NOTHROW(throughput = std::stod(throughput_text));
  CHECK(throughput > 0);

  CHECK(text_of(dom, "p50").find("ms") != std::string::npos);
  CHECK(text_of(dom, "p99").find("ms") != std::string::npos);
  auto alerts = list_of(dom, "alerts");
  CHECK(alerts.find("browser-test alert 42") != std::string::npos);
  CHECK(alerts.find(">WARNING<") != std::string::npos);
  CHECK(dom.find("browser-insert") != std::string::npos);  // the by-label table
  CHECK(text_of(dom, "charts-note").empty());  // Chart.js loaded: no "charts unavailable"

  const char* env_png = std::getenv("ACTORTX_SCREENSHOT");
  const std::string png = env_png && *env_png ? env_png : ACTORTX_SCREENSHOT_DEFAULT;
  std::filesystem::remove(png);
  browser.screenshot(url, png, 5000);
  workload.stop();
  auto image = slurp(png);
  REQUIRE(image.size() > 10000);
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  WARN("dashboard screenshot: " << png << " (" << image.size() / 1024 << " KiB)");
}
