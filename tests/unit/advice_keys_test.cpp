// Advice and alerts tell people what to change; a key they name must exist. Every
// recommendation and every alert is provoked here, and each "actortx.<key>" in its text is
// looked up in the declared config options; dotted names of another shape ("health.x") are
// refused, since no such key can be set.
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/config/options.hpp"
#include "runtime/observability/alert_engine.hpp"
#include "runtime/observability/health.hpp"

using namespace actortx;

namespace {

/// A snapshot that provokes every recommendation at once.
metrics_snapshot everything_wrong() {
  metrics_snapshot s;
  auto& a = s.overall;
  a.committed = 500;
  a.failed = 300;
  a.timed_out = 150;
  a.in_doubt = 50;
  a.in_doubt_unresolvable = 50;
  a.started = a.finished();
  a.success_rate = 0.5;
  a.retries = 10;
  a.deadlocks = 100;
  a.serialization_failures = 200;
  a.p99_seconds = 5;
  a.timeout_deadline = std::chrono::milliseconds{30000};
  label_aggregate l{"transfer", a};
  s.by_label = {l};
  s.failures_by_cause = {{"40001", 400}, {"23505", 200}, {"body_exception", 50}};
  s.pool.max = 4;
  s.pool.in_use = 4;
  s.pool.waiting = 40;
  s.pool.leases = 1000;
  s.pool.leases_waited_over_100ms = 600;
  s.long_running = 3;
  for (int i = 0; i < 6; ++i) {
    trend_point p;
    p.unix_s = 1000 + i * 10;
    p.committed = 10;
    p.failed = 40;
    p.p99_seconds = 5;
    s.trend.push_back(p);
  }
  return s;
}

std::vector<std::string> all_texts() {
  auto s = everything_wrong();
  health_settings hs;
  hs.pool_max = 4;
  hs.max_retries = 3;
  std::vector<std::string> texts = assess_health(s, 0, hs).recommendations;
  // The same with a deadline other than the default, so the other timeout wording shows.
  s.by_label[0].agg.timeout_deadline = std::chrono::milliseconds{500};
  for (auto& r : assess_health(s, 0, hs).recommendations) texts.push_back(r);
  alert_engine alerts{alert_rules{}};
  for (auto& x : alerts.evaluate(s, 1060 * 1000)) texts.push_back(x.message);
  tx_record doubt;
  doubt.state = tx_state::in_doubt;
  doubt.label = "transfer";
  if (auto x = alerts.on_record(doubt, 1060 * 1000)) texts.push_back(x->message);
  saga_record failed;
  failed.state = saga_state::failed;
  if (auto x = alerts.on_record(failed, 1060 * 1000)) texts.push_back(x->message);
  return texts;
}

}  // namespace

TEST_CASE("advice: every recommendation and alert names only config keys that exist", "[unit]") {
  const auto texts = all_texts();
  REQUIRE(texts.size() >= 12);  // 8 kinds of advice (twice for timeouts), 6 alerts
  const auto& options = config_detail::actortx_options();
  const std::regex key{R"(actortx\.([a-z0-9-]+))"};
  std::set<std::string> named;
  for (const auto& text : texts) {
    for (std::sregex_iterator i{text.begin(), text.end(), key}, end; i != end; ++i) {
      const std::string k = (*i)[1];
      named.insert(k);
      INFO(text);
      CHECK(options.qualified_name_lookup("actortx", k) != nullptr);
    }
  }
  // The advice does name keys (a regex that matched nothing would prove nothing).
  CHECK(named.count("pool-max") == 1);
  CHECK(named.count("tx-timeout") == 1);
  CHECK(named.count("retry-max") == 1);
  CHECK(named.count("health-latency-target") == 1);
}

TEST_CASE("advice: no text names a dotted setting that is not an actortx key", "[unit]") {
  // "health.latency_target" once slipped into the advice: a name nobody can set.
  const std::regex dotted{R"(\b([a-z_]+)\.([a-z_][a-z0-9_-]*))"};
  for (const auto& text : all_texts()) {
    for (std::sregex_iterator i{text.begin(), text.end(), dotted}, end; i != end; ++i) {
      INFO(text);
      CHECK((*i)[1] == "actortx");
    }
  }
}

TEST_CASE("advice: an internal transaction in doubt raises no user-facing alert", "[unit]") {
  alert_engine alerts{alert_rules{}};
  tx_record r;
  r.state = tx_state::in_doubt;
  r.label = "actortx.saga_log";
  r.internal = true;
  CHECK_FALSE(alerts.on_record(r, 1000).has_value());
  r.internal = false;
  r.label = "transfer";
  CHECK(alerts.on_record(r, 1000).has_value());
}

TEST_CASE("advice: a saga step in doubt raises no alert: its saga resolves it", "[unit]") {
  alert_engine alerts{alert_rules{}};
  tx_record r;
  r.state = tx_state::in_doubt;
  r.label = "order/charge";
  r.saga_id = "3f2a";
  CHECK_FALSE(alerts.on_record(r, 1000).has_value());
}
