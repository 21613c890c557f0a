// The health score and its recommendations on hand-made snapshots: each component's mapping,
// the weighted sum, the open-alert penalty, and the advice text with its thresholds.
#include "runtime/observability/health.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace actortx;

namespace {

/// `committed` + `failed` finished transactions, p99 100 ms, a pool of 8 with room to spare.
metrics_snapshot traffic(uint64_t committed, uint64_t failed = 0) {
  metrics_snapshot s;
  s.overall.started = committed + failed;
  s.overall.committed = committed;
  s.overall.failed = failed;
  s.overall.p50_seconds = 0.02;
  s.overall.p99_seconds = 0.1;
  s.overall.success_rate = static_cast<double>(committed) / static_cast<double>(committed + failed);
  s.pool.max = 8;
  s.pool.in_use = 2;
  s.pool.idle = 6;
  s.pool.leases = committed + failed;
  return s;
}

health_settings settings(uint32_t pool_max = 8) {
  health_settings h;
  h.latency_target = std::chrono::milliseconds{250};
  h.pool_max = pool_max;
  h.deadline = std::chrono::milliseconds{30000};
  h.max_retries = 3;
  return h;
}

double component(const health_report& r, const std::string& name) {
  auto i = std::find_if(r.components.begin(), r.components.end(),
                        [&](const health_component& c) { return c.name == name; });
  REQUIRE(i != r.components.end());
  return i->value;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("health: no traffic scores 100 with every component at 1 and no advice", "[unit]") {
  auto r = assess_health(metrics_snapshot{}, 0, health_settings{});
  CHECK(r.score == 100);
  REQUIRE(r.components.size() == 4);
  CHECK(r.components[0].name == "outcomes");
  CHECK(r.components[0].weight == 0.35);
  CHECK(r.components[1].name == "latency");
  CHECK(r.components[1].weight == 0.25);
  CHECK(r.components[2].name == "pool");
  CHECK(r.components[2].weight == 0.20);
  CHECK(r.components[3].name == "timeouts");
  CHECK(r.components[3].weight == 0.20);
  for (const auto& c : r.components) CHECK(c.value == 1.0);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: a healthy snapshot with background noise scores 100 and advises nothing",
          "[unit]") {
  auto s = traffic(995, 5);               // 99.5 % success
  s.overall.deadlocks = 3;                // 0.3 %
  s.overall.serialization_failures = 20;  // 2 %
  s.overall.retries = 23;                 // every one of them retried
  s.failures_by_cause = {{"40001", 20}, {"23505", 5}, {"40P01", 3}};
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 100);
  for (const auto& c : r.components) CHECK(c.value == 1.0);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: the score ignores the health report already in the snapshot", "[unit]") {
  auto s = traffic(1000);
  s.health.score = 3;
  s.health.recommendations = {"stale"};
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 100);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: success maps 99 % to 1, 90 % to 0.5, 80 % to 0, linearly between", "[unit]") {
  auto success_at = [](uint64_t committed) {
    return component(assess_health(traffic(committed, 1000 - committed), 0, settings()),
                     "outcomes");
  };
  CHECK(success_at(1000) == 1.0);
  CHECK(success_at(990) == 1.0);
  CHECK(success_at(950) == Approx(0.5 + 0.05 / 0.09 * 0.5));
  CHECK(success_at(900) == Approx(0.5));
  CHECK(success_at(850) == Approx(0.25));
  CHECK(success_at(800) == 0.0);
  CHECK(success_at(500) == 0.0);
}

TEST_CASE("health: rollbacks the body asked for are not failures", "[unit]") {
  auto s = traffic(800);
  s.overall.rolled_back = 200;
  s.overall.success_rate = 1.0;  // (committed + rolled back) / finished, as the store computes
  auto r = assess_health(s, 0, settings());
  CHECK(component(r, "outcomes") == 1.0);
  CHECK(r.score == 100);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: latency loses half its value per doubling of p99 above the target", "[unit]") {
  auto latency_at = [](double p99) {
    auto s = traffic(1000);
    s.overall.p99_seconds = p99;
    return component(assess_health(s, 0, settings()), "latency");
  };
  CHECK(latency_at(0.25) == 1.0);
  CHECK(latency_at(0.5) == Approx(0.5));
  CHECK(latency_at(0.25 * 1.4142135623730951) == Approx(0.75));
  CHECK(latency_at(1.0) == Approx(0.0).margin(1e-12));
  CHECK(latency_at(5.0) == 0.0);
}

TEST_CASE("health: p99 at twice the target costs 12.5 points and names the target", "[unit]") {
  auto s = traffic(1000);
  s.overall.p99_seconds = 0.5;
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 88);  // 100 - 0.25 * 0.5 * 100 = 87.5, rounded half up
  CHECK(r.recommendations ==
        strings{"p99 latency 500 ms is 2.0x the 250 ms target: find the slow statement (active "
                "transactions) or raise actortx.health-latency-target if this is normal for the "
                "workload"});

  s.overall.p99_seconds = 0.4;  // 1.6x: costs points, too little for advice
  auto mild = assess_health(s, 0, settings());
  CHECK(mild.score == 92);
  CHECK(mild.recommendations.empty());
}

TEST_CASE("health: leases waiting over 100 ms lower the pool component and advise pool-max",
          "[unit]") {
  auto s = traffic(1000);
  s.pool.max = 4;
  s.pool.in_use = 4;
  s.pool.idle = 0;
  s.pool.waiting = 2;
  s.pool.leases_waited_over_100ms = 380;
  auto r = assess_health(s, 0, settings(4));
  // Worst of waiting/max = 0.5, 38 % / 50 % = 0.76, full pool 0.1.
  CHECK(component(r, "pool") == Approx(0.24));
  CHECK(r.score == 85);  // 35 + 25 + 4.8 + 20
  CHECK(r.recommendations ==
        strings{"38 % of leases waited > 100 ms: raise actortx.pool-max from 4"});
}

TEST_CASE("health: a lease queue as long as the pool empties the pool component", "[unit]") {
  auto s = traffic(1000);
  s.pool.max = 4;
  s.pool.in_use = 4;
  s.pool.idle = 0;
  s.pool.waiting = 12;
  s.pool.leases_waited_over_100ms = 50;  // 5 %: below the advice threshold
  // settings.pool_max unknown (0): the advice falls back to the gauge's max.
  auto r = assess_health(s, 0, settings(0));
  CHECK(component(r, "pool") == 0.0);
  CHECK(r.score == 80);
  CHECK(r.recommendations ==
        strings{"12 lease requests are waiting for 4 connections: raise actortx.pool-max from 4"});
}

TEST_CASE("health: a pool fully in use with nobody waiting costs 2 points and no advice",
          "[unit]") {
  auto s = traffic(1000);
  s.pool.in_use = 8;
  s.pool.idle = 0;
  auto r = assess_health(s, 0, settings());
  CHECK(component(r, "pool") == Approx(0.9));
  CHECK(r.score == 98);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: 12 % timeouts empty the timeouts component and advise on the deadline",
          "[unit]") {
  auto s = traffic(880);
  s.overall.timed_out = 120;
  s.overall.success_rate = 0.88;
  s.overall.timeout_deadline = std::chrono::milliseconds{30000};
  auto r = assess_health(s, 0, settings());
  CHECK(component(r, "outcomes") == Approx(0.4));
  CHECK(component(r, "timeouts") == 0.0);
  CHECK(r.score == 59);  // 0.35 * 40 + 25 + 20 + 0
  CHECK(r.recommendations ==
        strings{"12 % of transactions timed out at their 30 s deadline: find the slow statement "
                "(active transactions) or give them a longer deadline (actortx.tx-timeout)"});
}

TEST_CASE("health: timeout advice names the transactions' own deadline, not the default",
          "[unit]") {
  // The case: a 500 ms deadline per transaction under a 30 s configured default.
  auto s = traffic(910);
  s.overall.timed_out = 90;
  s.overall.success_rate = 0.91;
  s.overall.timeout_deadline = std::chrono::milliseconds{500};
  label_aggregate quiet{"audit", {}};
  label_aggregate slow{"a_to_b", {}};
  slow.agg.timed_out = 85;
  slow.agg.timeout_deadline = std::chrono::milliseconds{500};
  quiet.agg.timed_out = 5;
  quiet.agg.timeout_deadline = std::chrono::milliseconds{30000};
  s.by_label = {slow, quiet};
  auto r = assess_health(s, 0, settings());
  REQUIRE(r.recommendations.size() == 1);
  CHECK(r.recommendations[0] ==
        "9 % of transactions timed out, most of them 'a_to_b' (85 timeouts) at their 500 ms "
        "deadline: find the slow statement (active transactions) or give them a longer "
        "deadline (tx_options::timeout)");
  CHECK(r.recommendations[0].find("30 s") == std::string::npos);
}

TEST_CASE("health: 0.5 % timeouts cost 2 points and no advice", "[unit]") {
  auto s = traffic(995);
  s.overall.timed_out = 5;
  auto r = assess_health(s, 0, settings());
  CHECK(component(r, "timeouts") == Approx(0.9));
  CHECK(r.score == 98);
  CHECK(r.recommendations.empty());
}

TEST_CASE("health: deadlocks in 4 % of transactions advise a consistent row order", "[unit]") {
  auto s = traffic(1000);
  s.overall.deadlocks = 40;
  s.overall.retries = 40;
  s.failures_by_cause = {{"40P01", 40}};
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 100);  // every deadlock was retried away: only the cause is worth a word
  CHECK(r.recommendations ==
        strings{"deadlocks in 4 % of transactions: touch rows in a consistent order"});

  s.overall.deadlocks = 9;  // 0.9 %
  CHECK(assess_health(s, 0, settings()).recommendations.empty());
}

TEST_CASE("health: serialization failures in 9 % of transactions advise shorter transactions",
          "[unit]") {
  auto s = traffic(1000);
  s.overall.serialization_failures = 90;
  s.overall.retries = 90;
  s.failures_by_cause = {{"40001", 90}};
  auto r = assess_health(s, 0, settings());
  CHECK(r.recommendations == strings{"serialization failures in 9 % of transactions: shorten "
                                     "transactions or use a lower isolation where safe"});

  s.overall.serialization_failures = 40;  // 4 %: the normal price of SERIALIZABLE
  CHECK(assess_health(s, 0, settings()).recommendations.empty());
}

TEST_CASE("health: retryable failures without a following retry advise raising retry-max",
          "[unit]") {
  // 40 transactions failed after 4 attempts of 40001 each (3 retries); 100 more 40001 attempts
  // were retried into a commit. 260 retryable failed attempts - 220 retries = 40 gave up.
  auto s = traffic(960, 40);
  s.overall.retries = 40 * 3 + 100;
  s.overall.serialization_failures = 260;
  s.failures_by_cause = {{"40001", 260}};
  auto r = assess_health(s, 0, settings());
  CHECK(component(r, "outcomes") == Approx(0.5 + 0.06 / 0.09 * 0.5));
  CHECK(r.score == 94);
  CHECK(r.recommendations ==
        strings{"retries used up by 40 transactions (4 % of finished): raise actortx.retry-max "
                "from 3",
                "serialization failures in 26 % of transactions: shorten transactions or use a "
                "lower isolation where safe"});
}

TEST_CASE("health: reconnect-class failures count toward retries used up", "[unit]") {
  auto s = traffic(990, 10);
  s.overall.retries = 30;
  s.failures_by_cause = {{"08006", 40}};  // 10 transactions lost 4 connections each
  auto r = assess_health(s, 0, settings());
  CHECK(r.recommendations ==
        strings{"retries used up by 10 transactions (1 % of finished): raise actortx.retry-max "
                "from 3"});
}

TEST_CASE("health: commits in doubt without a key advise idempotency keys", "[unit]") {
  auto s = traffic(997);
  s.overall.in_doubt = 3;
  s.overall.in_doubt_unresolvable = 3;
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 100);
  CHECK(r.recommendations ==
        strings{"3 commits in doubt without an idempotency key (outcome unknown, check them in "
                "the database): use idempotency keys (tx_options::idempotency_key) so a lost "
                "COMMIT reply is retried safely"});
  s.overall.in_doubt_unresolvable = 1;
  CHECK(assess_health(s, 0, settings()).recommendations.at(0).rfind("1 commit in doubt ", 0) == 0);
}

TEST_CASE("health: commits in doubt that a key or their saga resolves advise nothing", "[unit]") {
  // A stress run's case: saga steps (resolved by the saga's fence) and keyed transactions
  // ended in doubt; advising keys they already have would contradict the run.
  auto s = traffic(997);
  s.overall.in_doubt = 3;
  s.overall.in_doubt_unresolvable = 0;
  CHECK(assess_health(s, 0, settings()).recommendations.empty());
}

TEST_CASE("health: failures a retry cannot cure name their most frequent server SQLSTATE",
          "[unit]") {
  auto s = traffic(880, 120);
  s.overall.retries = 30;
  s.overall.serialization_failures = 30;  // 3 %: below its threshold
  // A lost connection is the most frequent but names nothing the application can fix.
  s.failures_by_cause = {{"connection_lost", 150}, {"23505", 100}, {"40001", 30}};
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 79);  // 0.35 * 40 + 25 + 20 + 20
  CHECK(r.recommendations ==
        strings{"12 % of transactions failed on errors a retry cannot cure, most often SQLSTATE "
                "23505 (100 failed attempts): fix the statement or the data that raises it"});
}

TEST_CASE("health: a body's own exception is named as such, not as a SQLSTATE", "[unit]") {
  auto s = traffic(900, 100);
  s.overall.success_rate = 0.9;
  s.failures_by_cause = {{"body_exception", 100}};
  auto r = assess_health(s, 0, settings());
  CHECK(r.recommendations ==
        strings{"10 % of transactions failed on errors a retry cannot cure, most often "
                "body_exception (100 failed attempts): fix the exception the body throws"});
}

TEST_CASE("health: each open alert costs 5 points, at most 30", "[unit]") {
  auto s = traffic(1000);
  CHECK(assess_health(s, 1, settings()).score == 95);
  CHECK(assess_health(s, 2, settings()).score == 90);
  CHECK(assess_health(s, 6, settings()).score == 70);
  CHECK(assess_health(s, 50, settings()).score == 70);
}

TEST_CASE("health: the score does not go below 0", "[unit]") {
  auto s = traffic(0, 1000);
  s.overall.p99_seconds = 10;
  s.pool.waiting = 100;
  auto r = assess_health(s, 0, settings());
  CHECK(r.score == 20);  // only the timeouts component is whole
  CHECK(assess_health(s, 6, settings()).score == 0);
}
