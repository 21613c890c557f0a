// Alert rules on hand-made snapshots and records, with an injected clock: thresholds, levels,
// messages, the failure window, dedup (and escalation through it), history cap, open count.
#include "runtime/observability/alert_engine.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace actortx;

namespace {

constexpr int64_t now_s = 1'700'000'000;
constexpr int64_t now_ms = now_s * 1000;

trend_point point(int64_t unix_s, uint64_t committed, uint64_t failed, double p99 = 0.01) {
  trend_point p;
  p.unix_s = unix_s;
  p.committed = committed;
  p.failed = failed;
  p.p50_seconds = p99 / 2;
  p.p99_seconds = p99;
  return p;
}

/// `failed` of `finished` in the six 10 s buckets ending at `at_s` (default 60 s window).
metrics_snapshot window_snapshot(uint64_t failed, uint64_t finished, int64_t at_s = now_s) {
  metrics_snapshot s;
  s.unix_ms = at_s * 1000;
  for (int i = 0; i < 6; ++i) s.trend.push_back(point(at_s - 60 + 10 * i, 0, 0));
  s.trend[1].failed = failed;
  s.trend[1].committed = finished - failed;
  return s;
}

alert sample(std::string rule, std::string subject, alert_level level = alert_level::warning) {
  alert a;
  a.rule = std::move(rule);
  a.subject = std::move(subject);
  a.level = level;
  a.message = "sample";
  return a;
}

}  // namespace

TEST_CASE("a failure rate above the critical threshold raises a CRITICAL with the numbers",
          "[unit]") {
  alert_engine engine;
  auto raised = engine.evaluate(window_snapshot(124, 400), now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].rule == "failure_rate");
  CHECK(raised[0].subject.empty());
  CHECK(raised[0].level == alert_level::critical);
  CHECK(raised[0].message ==
        "error rate 31.0 % over the last 60 s (124 of 400 finished transactions failed, timed "
        "out or are in doubt) is above 25 %");
  CHECK(raised[0].value == Approx(0.31));
  CHECK(raised[0].threshold == 0.25);
  CHECK(raised[0].unix_ms == now_ms);
}

TEST_CASE("a failure rate between the warning and critical thresholds raises a WARNING", "[unit]") {
  alert_engine engine;
  auto raised = engine.evaluate(window_snapshot(40, 400), now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].level == alert_level::warning);
  CHECK(raised[0].message ==
        "error rate 10.0 % over the last 60 s (40 of 400 finished transactions failed, timed "
        "out or are in doubt) is above 5 %");
  CHECK(raised[0].threshold == 0.05);
}

TEST_CASE("rollbacks the body asked for count as finished, not as errors", "[unit]") {
  alert_engine e{alert_rules{}};
  metrics_snapshot s;
  trend_point p;
  p.unix_s = 1000;
  p.committed = 10;
  p.rolled_back = 390;  // insufficient funds, frozen accounts: business outcomes
  s.trend = {p};
  CHECK(e.evaluate(s, 1005 * 1000).empty());
  s.trend[0].failed = 40;  // 40 of 440 = 9.1 %
  auto raised = e.evaluate(s, 1005 * 1000);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].level == alert_level::warning);
  CHECK(raised[0].message.find("40 of 440 finished") != std::string::npos);
}

TEST_CASE("a failure rate exactly at the warning threshold does not alert", "[unit]") {
  alert_engine engine;
  CHECK(engine.evaluate(window_snapshot(20, 400), now_ms).empty());
  CHECK(engine.history().empty());
}

TEST_CASE("the failure rate counts only trend points starting within [now - window, now]",
          "[unit]") {
  alert_engine engine;
  metrics_snapshot s;
  s.trend = {
      point(now_s - 70, 0, 500),  // before the window: ignored
      point(now_s - 60, 85, 15),  // on the window's start: counted
      point(now_s, 100, 0),       // starts now: counted
      point(now_s + 10, 0, 500),  // in the future (clock skew): ignored
  };
  auto raised = engine.evaluate(s, now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].level == alert_level::warning);
  CHECK(raised[0].message ==
        "error rate 7.5 % over the last 60 s (15 of 200 finished transactions failed, timed "
        "out or are in doubt) is above 5 %");
}

TEST_CASE("the failure window is configurable and named in the message", "[unit]") {
  alert_rules rules;
  rules.failure_window = std::chrono::seconds{300};
  alert_engine engine{rules};
  metrics_snapshot s;
  s.trend = {point(now_s - 300, 0, 30), point(now_s - 10, 70, 0)};
  auto raised = engine.evaluate(s, now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].message ==
        "error rate 30.0 % over the last 300 s (30 of 100 finished transactions failed, timed "
        "out or are in doubt) is above 25 %");
}

TEST_CASE("the failure rate needs failure_min_finished finished transactions in the window",
          "[unit]") {
  alert_engine engine;  // min 20
  CHECK(engine.evaluate(window_snapshot(19, 19), now_ms).empty());
  auto raised = engine.evaluate(window_snapshot(20, 20), now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].message ==
        "error rate 100.0 % over the last 60 s (20 of 20 finished transactions failed, timed "
        "out or are in doubt) is above 25 %");
}

TEST_CASE("p99 above the limit raises a WARNING using the worst non-empty bucket of the window",
          "[unit]") {
  alert_engine engine;  // limit 1 s
  metrics_snapshot s;
  s.trend = {
      point(now_s - 80, 100, 0, 9.0),  // outside the window
      point(now_s - 50, 200, 0, 0.3), point(now_s - 40, 200, 0, 1.5),
      point(now_s - 30, 0, 0, 7.0),  // empty bucket: its p99 means nothing
  };
  auto raised = engine.evaluate(s, now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].rule == "p99_latency");
  CHECK(raised[0].level == alert_level::warning);
  CHECK(raised[0].message ==
        "p99 latency 1.5 s over the last 60 s (400 finished) is 1.5x the 1 s limit");
  CHECK(raised[0].value == 1.5);
  CHECK(raised[0].threshold == 1.0);
}

TEST_CASE("p99 at twice the limit raises an ERROR", "[unit]") {
  alert_rules rules;
  rules.p99_latency = std::chrono::milliseconds{250};
  alert_engine engine{rules};
  metrics_snapshot s;
  s.trend = {point(now_s - 10, 100, 0, 0.5)};
  auto raised = engine.evaluate(s, now_ms);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].level == alert_level::error);
  CHECK(raised[0].message ==
        "p99 latency 500 ms over the last 60 s (100 finished) is 2.0x the 250 ms limit");
}

TEST_CASE("p99 at the limit, below failure_min_finished, or with the rule off does not alert",
          "[unit]") {
  metrics_snapshot at_limit;
  at_limit.trend = {point(now_s - 10, 100, 0, 1.0)};
  CHECK(alert_engine{}.evaluate(at_limit, now_ms).empty());

  metrics_snapshot few;
  few.trend = {point(now_s - 10, 19, 0, 5.0)};
  CHECK(alert_engine{}.evaluate(few, now_ms).empty());

  alert_rules off;
  off.p99_latency = std::chrono::milliseconds{0};
  metrics_snapshot slow;
  slow.trend = {point(now_s - 10, 100, 0, 5.0)};
  CHECK(alert_engine{off}.evaluate(slow, now_ms).empty());
}

TEST_CASE("more long-running transactions than long_running_max raise a WARNING", "[unit]") {
  metrics_snapshot s;
  s.long_running = 3;
  auto raised = alert_engine{}.evaluate(s, now_ms);  // max 0
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].rule == "long_running");
  CHECK(raised[0].level == alert_level::warning);
  CHECK(raised[0].message ==
        "3 transactions have been running longer than the long-running threshold, more than "
        "the 0 allowed: see the active transactions");
  CHECK(raised[0].value == 3);

  alert_rules rules;
  rules.long_running_max = 3;
  CHECK(alert_engine{rules}.evaluate(s, now_ms).empty());
}

TEST_CASE("pool waiters above pool_waiters_max raise a WARNING, at 4x an ERROR", "[unit]") {
  metrics_snapshot s;  // limit 8
  s.pool.max = 4;
  s.pool.in_use = 4;
  s.pool.waiting = 8;
  CHECK(alert_engine{}.evaluate(s, now_ms).empty());

  s.pool.waiting = 9;
  auto warn = alert_engine{}.evaluate(s, now_ms);
  REQUIRE(warn.size() == 1);
  CHECK(warn[0].rule == "pool_waiters");
  CHECK(warn[0].level == alert_level::warning);
  CHECK(warn[0].message ==
        "9 lease requests are waiting for a connection (4 of 4 in use), more than 8");

  s.pool.waiting = 31;
  CHECK(alert_engine{}.evaluate(s, now_ms).at(0).level == alert_level::warning);
  s.pool.waiting = 32;
  CHECK(alert_engine{}.evaluate(s, now_ms).at(0).level == alert_level::error);
}

TEST_CASE("evaluate returns every rule that fires in rule order and keeps them newest first",
          "[unit]") {
  alert_engine engine;
  auto s = window_snapshot(124, 400);
  s.trend[1].p99_seconds = 3.0;
  s.long_running = 1;
  s.pool.max = 4;
  s.pool.waiting = 40;
  auto raised = engine.evaluate(s, now_ms);
  REQUIRE(raised.size() == 4);
  CHECK(raised[0].rule == "failure_rate");
  CHECK(raised[1].rule == "p99_latency");
  CHECK(raised[1].level == alert_level::error);
  CHECK(raised[2].rule == "long_running");
  CHECK(raised[2].message ==
        "1 transaction has been running longer than the long-running threshold, more than the 0 "
        "allowed: see the active transactions");
  CHECK(raised[3].rule == "pool_waiters");
  CHECK(raised[3].level == alert_level::error);
  REQUIRE(engine.history().size() == 4);
  CHECK(engine.history().front().rule == "pool_waiters");
  CHECK(engine.history().back().rule == "failure_rate");
}

TEST_CASE("a FAILED saga raises a CRITICAL about its id naming its type and error", "[unit]") {
  saga_record r;
  r.id = "saga-42";
  r.type = "transfer";
  r.state = saga_state::failed;
  r.steps = 3;
  r.steps_done = 2;
  r.compensations = 1;
  r.error = "compensation of step debit kept failing: 23514";
  alert_engine engine;
  auto a = engine.on_record(r, now_ms);
  REQUIRE(a);
  CHECK(a->rule == "saga_failed");
  CHECK(a->subject == "saga-42");
  CHECK(a->level == alert_level::critical);
  CHECK(a->message ==
        "saga saga-42 of type transfer FAILED after 2 of 3 steps and 1 compensations: "
        "compensation of step debit kept failing: 23514; an operator must look");
  CHECK(engine.history().size() == 1);
}

TEST_CASE("only FAILED sagas alert, and not when saga_failed is off", "[unit]") {
  saga_record r;
  r.id = "s1";
  r.type = "transfer";
  r.state = saga_state::compensated;
  CHECK_FALSE(alert_engine{}.on_record(r, now_ms));
  r.state = saga_state::failed;
  alert_rules off;
  off.saga_failed = false;
  CHECK_FALSE(alert_engine{off}.on_record(r, now_ms));
}

TEST_CASE("a commit in doubt raises an ERROR about its label saying the outcome is unknown",
          "[unit]") {
  tx_record r;
  r.id = 17;
  r.label = "transfer";
  r.state = tx_state::in_doubt;
  auto a = alert_engine{}.on_record(r, now_ms);
  REQUIRE(a);
  CHECK(a->rule == "commit_in_doubt");
  CHECK(a->subject == "transfer");
  CHECK(a->level == alert_level::error);
  CHECK(a->message ==
        "commit of transaction 17 (transfer) is in doubt: the COMMIT reply was lost, so the "
        "outcome is unknown and must be checked in the database");
}

TEST_CASE("a commit in doubt without a label is about its transaction id", "[unit]") {
  tx_record r;
  r.id = 17;
  r.state = tx_state::in_doubt;
  auto a = alert_engine{}.on_record(r, now_ms);
  REQUIRE(a);
  CHECK(a->subject == "17");
  CHECK(a->message ==
        "commit of transaction 17 is in doubt: the COMMIT reply was lost, so the outcome is "
        "unknown and must be checked in the database");
}

TEST_CASE("only in-doubt transactions alert, and not when commit_in_doubt is off", "[unit]") {
  tx_record r;
  r.id = 1;
  for (auto st : {tx_state::committed, tx_state::failed, tx_state::timeout}) {
    r.state = st;
    CHECK_FALSE(alert_engine{}.on_record(r, now_ms));
  }
  r.state = tx_state::in_doubt;
  alert_rules off;
  off.commit_in_doubt = false;
  CHECK_FALSE(alert_engine{off}.on_record(r, now_ms));
}

TEST_CASE("the same rule and subject is suppressed for 299 s and raised again at 300 s", "[unit]") {
  alert_engine engine;
  const int64_t t = now_ms;
  CHECK(engine.raise(sample("failure_rate", ""), t));
  CHECK_FALSE(engine.raise(sample("failure_rate", ""), t + 299'000));
  auto again = engine.raise(sample("failure_rate", ""), t + 300'000);
  REQUIRE(again);
  CHECK(again->unix_ms == t + 300'000);
  REQUIRE(engine.history().size() == 2);
  CHECK(engine.history()[0].unix_ms == t + 300'000);
  CHECK(engine.history()[1].unix_ms == t);
}

TEST_CASE("dedup through evaluate: a persisting condition alerts once per dedup time", "[unit]") {
  alert_engine engine;
  CHECK(engine.evaluate(window_snapshot(124, 400), now_ms).size() == 1);
  CHECK(engine.evaluate(window_snapshot(124, 400, now_s + 299), now_ms + 299'000).empty());
  CHECK(engine.evaluate(window_snapshot(124, 400, now_s + 300), now_ms + 300'000).size() == 1);
}

TEST_CASE("dedup keys on rule and subject: other subjects and rules are raised", "[unit]") {
  alert_engine engine;
  CHECK(engine.raise(sample("saga_failed", "a"), now_ms));
  CHECK(engine.raise(sample("saga_failed", "b"), now_ms + 1));
  CHECK(engine.raise(sample("commit_in_doubt", "a"), now_ms + 2));
  CHECK_FALSE(engine.raise(sample("saga_failed", "a"), now_ms + 3));
  CHECK(engine.history().size() == 3);
}

TEST_CASE("a higher level passes the dedup, the same or a lower one does not", "[unit]") {
  alert_engine engine;
  CHECK(engine.raise(sample("failure_rate", "", alert_level::warning), now_ms));
  auto critical = engine.raise(sample("failure_rate", "", alert_level::critical), now_ms + 10'000);
  REQUIRE(critical);
  CHECK(critical->level == alert_level::critical);
  CHECK_FALSE(engine.raise(sample("failure_rate", "", alert_level::warning), now_ms + 20'000));
  CHECK_FALSE(engine.raise(sample("failure_rate", "", alert_level::critical), now_ms + 309'000));
  // The window restarted with the CRITICAL at +10 s.
  CHECK(engine.raise(sample("failure_rate", "", alert_level::warning), now_ms + 310'000));
}

TEST_CASE("the dedup time is configurable", "[unit]") {
  alert_rules rules;
  rules.dedup = std::chrono::seconds{60};
  alert_engine engine{rules};
  CHECK(engine.raise(sample("long_running", ""), now_ms));
  CHECK_FALSE(engine.raise(sample("long_running", ""), now_ms + 59'999));
  CHECK(engine.raise(sample("long_running", ""), now_ms + 60'000));
}

TEST_CASE("history keeps the newest 1000 of 1500 distinct alerts, newest first", "[unit]") {
  alert_engine engine;
  for (int i = 0; i < 1500; ++i)
    REQUIRE(engine.raise(sample("saga_failed", std::to_string(i)), now_ms + i));
  REQUIRE(engine.history().size() == 1000);
  CHECK(engine.history().front().subject == "1499");
  CHECK(engine.history().front().unix_ms == now_ms + 1499);
  CHECK(engine.history().back().subject == "500");
}

TEST_CASE("the history cap is configurable", "[unit]") {
  alert_rules rules;
  rules.history = 3;
  alert_engine engine{rules};
  for (int i = 0; i < 5; ++i) engine.raise(sample("saga_failed", std::to_string(i)), now_ms);
  REQUIRE(engine.history().size() == 3);
  CHECK(engine.history()[0].subject == "4");
  CHECK(engine.history()[2].subject == "2");
}

TEST_CASE("open alerts are those raised within the dedup time before now", "[unit]") {
  alert_engine engine;
  CHECK(engine.open_count(now_ms) == 0);
  engine.raise(sample("saga_failed", "a"), now_ms);
  engine.raise(sample("saga_failed", "b"), now_ms + 100'000);
  CHECK(engine.open_count(now_ms + 100'000) == 2);
  CHECK(engine.open_count(now_ms + 299'999) == 2);
  CHECK(engine.open_count(now_ms + 300'000) == 1);
  CHECK(engine.open_count(now_ms + 400'000) == 0);
}

TEST_CASE("pruning expired dedup entries keeps the live ones", "[unit]") {
  alert_engine engine;
  CHECK(engine.raise(sample("saga_failed", "keep"), now_ms + 250'000));
  for (int i = 0; i < 100; ++i)
    engine.raise(sample("saga_failed", std::to_string(i)), now_ms + i * 1000);
  CHECK_FALSE(engine.raise(sample("saga_failed", "50"), now_ms + 349'999));
  CHECK(engine.raise(sample("saga_failed", "50"), now_ms + 350'000));
  CHECK_FALSE(engine.raise(sample("saga_failed", "keep"), now_ms + 400'000));
  CHECK(engine.raise(sample("saga_failed", "keep"), now_ms + 550'000));
}
