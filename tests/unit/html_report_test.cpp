#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/tooling/html_report.hpp>

using namespace actortx;

namespace {

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

/// The text of the <script type="application/json"> block.
std::string embedded_json(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  auto begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  begin += open.size();
  auto end = html.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

run_summary a_run() {
  run_summary run;
  run.title = "stress run 7";
  run.configuration = {{"concurrency", "16"}, {"isolation", "serializable"}, {"seed", "4242"}};
  run.invariants_ok = true;
  run.invariant_lines = {"sum of balances 100000 = 100 accounts x 1000"};
  run.figures = {{"faults injected", "12"}};
  return run;
}

metrics_report a_report(const std::string& label) {
  metrics_report r;
  auto& s = r.snapshot;
  s.unix_ms = 1700000000000;
  s.uptime_seconds = 20;
  s.overall.committed = 900;
  s.overall.failed = 3;
  s.overall.retries = 41;
  s.overall.p50_seconds = 0.004;
  s.overall.p99_seconds = 0.120;
  label_aggregate l;
  l.label = label;
  l.agg = s.overall;
  s.by_label.push_back(l);
  s.failures_by_cause = {{"40001", 38}, {"23505", 3}};
  s.trend.push_back({1699999990, 450, 0, 1, 0.004, 0.1});
  s.trend.push_back({1700000000, 450, 0, 2, 0.004, 0.12});
  s.recent_alerts.push_back({"failure_rate", label, alert_level::warning,
                             "failure rate 6 % over 60 s", 0.06, 0.05, 1699999995000});
  s.health.score = 91;
  s.health.recommendations = {"4 % of attempts were serialization failures: fewer hot rows"};
  tx_record t;
  t.id = 7;
  t.label = label;
  t.state = tx_state::committed;
  r.transactions.push_back(t);
  return r;
}

struct temp_file {
  std::string path = "/tmp/actortx_chart_test_" + std::to_string(::getpid()) + ".js";
  explicit temp_file(const std::string& content) { std::ofstream{path} << content; }
  ~temp_file() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("html report shows configuration, figures and a green verdict", "[unit]") {
  auto html = render_html_report(a_run(), a_report("transfer"), "");
  CHECK(html.find("<title>stress run 7</title>") != std::string::npos);
  CHECK(html.find("<td>concurrency</td><td>16</td>") != std::string::npos);
  CHECK(html.find("<td>isolation</td><td>serializable</td>") != std::string::npos);
  CHECK(html.find("<td>seed</td><td>4242</td>") != std::string::npos);
  CHECK(html.find("<td>faults injected</td><td>12</td>") != std::string::npos);
  CHECK(html.find("<div class=\"verdict ok\"><h2>Invariants: OK</h2>") != std::string::npos);
  CHECK(html.find("<li>sum of balances 100000 = 100 accounts x 1000</li>") != std::string::npos);
  CHECK(html.find("VIOLATED") == std::string::npos);
}

TEST_CASE("html report inlines its stylesheet in the head", "[unit]") {
  auto html = render_html_report(a_run(), a_report("transfer"), "");
  const auto style = html.find("<style>\n");
  REQUIRE(style != std::string::npos);
  const auto end = html.find("</style>", style);
  CHECK(html.find(".verdict.ok {", style) < end);
  CHECK(html.find(".lvl.INFO {", style) < end);
  CHECK(end < html.find("</head>"));
}

TEST_CASE("html report shows a red verdict when invariants are violated", "[unit]") {
  auto run = a_run();
  run.invariants_ok = false;
  run.invariant_lines = {"sum of balances 100001, expected 100000"};
  auto html = render_html_report(run, a_report("transfer"), "");
  CHECK(html.find("<div class=\"verdict bad\"><h2>Invariants: VIOLATED</h2>") != std::string::npos);
  CHECK(html.find("<li>sum of balances 100001, expected 100000</li>") != std::string::npos);
  CHECK(html.find("Invariants: OK") == std::string::npos);
}

TEST_CASE("html report has failures by SQLSTATE, percentiles, alerts and health", "[unit]") {
  auto html = render_html_report(a_run(), a_report("transfer"), "");
  CHECK(html.find("<td>40001</td><td>serialization_failure</td><td class=\"n\">38</td>") !=
        std::string::npos);
  CHECK(html.find("<td>23505</td><td>unique_violation</td><td class=\"n\">3</td>") !=
        std::string::npos);
  CHECK(html.find("<td class=\"n\">4.00 ms</td>") != std::string::npos);  // p50
  CHECK(html.find("<td class=\"n\">120 ms</td>") != std::string::npos);   // p99
  CHECK(html.find("failure rate 6 % over 60 s") != std::string::npos);
  CHECK(html.find("2023-11-14 22:13:15 UTC") != std::string::npos);  // the alert's time
  CHECK(html.find("91 / 100") != std::string::npos);
  CHECK(html.find("<li>4 % of attempts were serialization failures: fewer hot rows</li>") !=
        std::string::npos);
  // The busy trend buckets as a table.
  CHECK(html.find("<td>2023-11-14 22:13:10 UTC</td><td class=\"n\">450</td>") != std::string::npos);
}

TEST_CASE("html report escapes labels in the tables and in the embedded JSON", "[unit]") {
  const std::string evil = "</script><b id=\"x\">pwn</b>&";
  auto html = render_html_report(a_run(), a_report(evil), "");

  CHECK(html.find("<b id=") == std::string::npos);
  CHECK(html.find("&lt;/script&gt;&lt;b id=&quot;x&quot;&gt;pwn&lt;/b&gt;&amp;") !=
        std::string::npos);
  // One <script> block without Chart.js (the data), so exactly one closing tag.
  CHECK(occurrences(html, "</script>") == 1);
  auto json = embedded_json(html);
  CHECK(json.find('<') == std::string::npos);
  CHECK(json.find("\\u003c/script>\\u003cb id=\\\"x\\\">pwn\\u003c/b>&") != std::string::npos);
  // What the page's JSON.parse sees is the report, label intact.
  auto back = report_from_json(json);
  REQUIRE(back.snapshot.by_label.size() == 1);
  CHECK(back.snapshot.by_label[0].label == evil);
  REQUIRE(back.transactions.size() == 1);
  CHECK(back.transactions[0].label == evil);
}

TEST_CASE("html report inlines Chart.js, or says that charts are unavailable", "[unit]") {
  SECTION("without Chart.js: tables and a note, no chart script") {
    auto html = render_html_report(a_run(), a_report("transfer"), "/nonexistent/chart.js");
    CHECK(html.find("Charts unavailable") != std::string::npos);
    CHECK(html.find("<canvas") == std::string::npos);
    CHECK(html.find("new Chart(") == std::string::npos);
  }
  SECTION("with Chart.js: inlined, with a closing tag inside it neutralised") {
    temp_file js{"/* fake Chart.js */ var Chart = function () {}; var s = '</script>';"};
    auto html = render_html_report(a_run(), a_report("transfer"), js.path);
    CHECK(html.find("/* fake Chart.js */ var Chart = function () {}; var s = '<\\/script>';") !=
          std::string::npos);
    CHECK(html.find("<canvas id=\"chart-throughput\">") != std::string::npos);
    CHECK(html.find("<canvas id=\"chart-sqlstate\">") != std::string::npos);
    CHECK(html.find("new Chart(") != std::string::npos);
    CHECK(html.find("Charts unavailable") == std::string::npos);
    // Data, Chart.js and the chart code: three scripts, three closing tags.
    CHECK(occurrences(html, "</script>") == 3);
  }
}

TEST_CASE("html_escape and json_for_script", "[unit]") {
  CHECK(html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(json_for_script("{\"a\":\"</script><!--\"}") == "{\"a\":\"\\u003c/script>\\u003c!--\"}");
}

TEST_CASE("html report keeps body rollbacks, client-side causes and library transactions apart",
          "[unit]") {
  auto report = a_report("transfer");
  auto& s = report.snapshot;
  s.by_label[0].agg.rolled_back = 3814;
  s.failures_by_cause = {{"connection_lost", 12}, {"deadline", 4}};
  label_aggregate log{"actortx.saga_log", {}};
  log.agg.committed = 85668;
  log.agg.in_doubt = 1;
  s.internal_by_label = {log};
  s.internal_failures_by_cause = {{"commit_in_doubt", 1}};
  auto html = render_html_report(a_run(), report, "");
  CHECK(html.find("<th class=\"n\">rolled back</th>") != std::string::npos);
  CHECK(html.find("<td class=\"n\">3814</td>") != std::string::npos);
  CHECK(html.find("<td>connection_lost</td><td>the connection broke while the attempt ran</td>") !=
        std::string::npos);
  CHECK(html.find("(none)") == std::string::npos);
  CHECK(html.find("<h2>Library transactions</h2>") != std::string::npos);
  CHECK(html.find("<td>actortx.saga_log</td><td class=\"n\">85668</td>") != std::string::npos);
  CHECK(html.find("<td>commit_in_doubt</td><td class=\"n\">1</td>") != std::string::npos);
}
