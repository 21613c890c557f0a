// Backoff math: sequences per strategy, the cap, jitter bounds, attempt limit, validation.
#include "runtime/policy/retry_policy.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

using namespace actortx;
using std::chrono::milliseconds;

namespace {

retry_policy policy(backoff b, int64_t initial, int64_t max, double mult = 2.0) {
  retry_policy p;
  p.strategy = b;
  p.initial_delay = milliseconds{initial};
  p.max_delay = milliseconds{max};
  p.multiplier = mult;
  return p;
}

std::vector<int64_t> sequence(const retry_policy& p, uint32_t n) {
  std::vector<int64_t> out;
  for (uint32_t r = 1; r <= n; ++r) out.push_back(base_delay(p, r).count());
  return out;
}

}  // namespace

TEST_CASE("exponential backoff doubles from the initial delay and stops at the cap", "[unit]") {
  auto p = policy(backoff::exponential, 100, 1000);
  CHECK(sequence(p, 7) == std::vector<int64_t>{100, 200, 400, 800, 1000, 1000, 1000});
}

TEST_CASE("exponential backoff uses the configured multiplier", "[unit]") {
  auto p = policy(backoff::exponential, 100, 100000, 3.0);
  CHECK(sequence(p, 4) == std::vector<int64_t>{100, 300, 900, 2700});
}

TEST_CASE("linear backoff grows by the initial delay per retry and stops at the cap", "[unit]") {
  auto p = policy(backoff::linear, 250, 900);
  CHECK(sequence(p, 5) == std::vector<int64_t>{250, 500, 750, 900, 900});
}

TEST_CASE("immediate backoff never waits", "[unit]") {
  auto p = policy(backoff::immediate, 250, 900);
  CHECK(sequence(p, 3) == std::vector<int64_t>{0, 0, 0});
  CHECK(jittered_delay(p, 2, 0.999).count() == 0);
}

TEST_CASE("retry number 0 is treated like the first retry", "[unit]") {
  auto p = policy(backoff::exponential, 100, 1000);
  CHECK(base_delay(p, 0) == base_delay(p, 1));
}

TEST_CASE("the library defaults back off 1s, 2s, 4s with 10% jitter and 3 retries", "[unit]") {
  retry_policy p;
  CHECK(sequence(p, 3) == std::vector<int64_t>{1000, 2000, 4000});
  CHECK(p.jitter == Approx(0.1));
  CHECK(p.max_retries == 3u);
  CHECK(validate(p).empty());
}

TEST_CASE("huge retry numbers neither overflow nor exceed the cap", "[unit]") {
  auto max_u32 = std::numeric_limits<uint32_t>::max();
  SECTION("exponential") {
    auto p = policy(backoff::exponential, 1000, 30000);
    for (uint32_t r : {64u, 100u, 1024u, 100000u, max_u32}) {
      CHECK(base_delay(p, r).count() == 30000);
      CHECK(jittered_delay(p, r, 0.999).count() == 30000);
    }
  }
  SECTION("linear with a huge cap") {
    auto p = policy(backoff::linear, 1000000, std::numeric_limits<int64_t>::max() / 2);
    CHECK(base_delay(p, max_u32).count() > 0);
    CHECK(base_delay(p, max_u32).count() <= std::numeric_limits<int64_t>::max() / 2);
  }
  SECTION("a huge multiplier") {
    auto p = policy(backoff::exponential, 10, 5000, 1e300);
    CHECK(base_delay(p, 2).count() == 5000);
    CHECK(base_delay(p, 50).count() == 5000);
  }
}

TEST_CASE("+/- jitter stays within base times (1-j) and (1+j), clamped to the cap", "[unit]") {
  auto p = policy(backoff::exponential, 100, 1000);
  p.jitter = 0.2;
  auto u = GENERATE(0.0, 0.5, 0.999);
  auto retry = GENERATE(1u, 2u, 3u, 4u, 5u);
  CAPTURE(u, retry);
  auto base = static_cast<double>(base_delay(p, retry).count());
  auto d = static_cast<double>(jittered_delay(p, retry, u).count());
  CHECK(d >= std::floor(base * (1 - p.jitter)));
  CHECK(d <= std::min(std::ceil(base * (1 + p.jitter)), 1000.0));
}

TEST_CASE("+/- jitter maps u = 0, 0.5 and just below 1 onto low, middle and high", "[unit]") {
  auto p = policy(backoff::linear, 1000, 10000);
  p.jitter = 0.1;
  CHECK(jittered_delay(p, 1, 0.0).count() == 900);
  CHECK(jittered_delay(p, 1, 0.5).count() == 1000);
  CHECK(jittered_delay(p, 1, 0.999).count() == 1100);
  // At the cap, the upper half of the jitter is cut off.
  CHECK(jittered_delay(p, 10, 0.999).count() == 10000);
  CHECK(jittered_delay(p, 10, 0.0).count() == 9000);
}

TEST_CASE("full jitter draws the delay between 0 and the base delay", "[unit]") {
  auto p = policy(backoff::exponential, 400, 1000);
  p.full_jitter = true;
  auto u = GENERATE(0.0, 0.5, 0.999);
  auto retry = GENERATE(1u, 2u, 3u, 10u);
  CAPTURE(u, retry);
  auto base = base_delay(p, retry).count();
  auto d = jittered_delay(p, retry, u).count();
  CHECK(d >= 0);
  CHECK(d <= base);
  if (u == 0.0) CHECK(d == 0);
  if (u == 0.5) CHECK(d == base / 2);
}

TEST_CASE("jitter of 0 yields exactly the base delay", "[unit]") {
  auto p = policy(backoff::exponential, 100, 1000);
  p.jitter = 0.0;
  for (double u : {0.0, 0.5, 0.999}) CHECK(jittered_delay(p, 3, u).count() == 400);
}

TEST_CASE("a bad random number or unvalidated jitter cannot make a delay negative or too large",
          "[unit]") {
  auto p = policy(backoff::linear, 1000, 2000);
  p.jitter = 5.0;  // invalid, clamped to 1
  CHECK(jittered_delay(p, 1, -3.0).count() == 0);
  CHECK(jittered_delay(p, 1, 42.0).count() == 2000);
  CHECK(jittered_delay(p, 1, std::nan("")).count() >= 0);
  p.jitter = std::nan("");
  CHECK(jittered_delay(p, 1, 0.5).count() == 1000);
}

TEST_CASE("may_retry allows max_retries retries after the first attempt", "[unit]") {
  retry_policy p;
  p.max_retries = 3;
  CHECK(may_retry(p, 1));
  CHECK(may_retry(p, 3));
  CHECK_FALSE(may_retry(p, 4));
  CHECK_FALSE(may_retry(p, 100));
  p.max_retries = 0;
  CHECK_FALSE(may_retry(p, 1));
  p.max_retries = std::numeric_limits<uint32_t>::max();
  CHECK(may_retry(p, std::numeric_limits<uint32_t>::max()));
}

TEST_CASE("validate names the bad field and its value", "[unit]") {
  retry_policy p;
  SECTION("negative initial delay") {
    p.initial_delay = milliseconds{-5};
    auto msg = validate(p);
    CHECK_THAT(msg, Catch::Contains("retry.initial_delay") && Catch::Contains("-5ms") &&
                        Catch::Contains("negative"));
  }
  SECTION("max delay below the initial delay") {
    p.initial_delay = milliseconds{1000};
    p.max_delay = milliseconds{500};
    CHECK(validate(p) == "retry.max_delay (500ms) must not be below the initial delay (1000ms)");
    auto issue = first_issue(p);
    CHECK(issue.field == "max_delay");
    CHECK(issue.value == "500ms");
  }
  SECTION("multiplier below 1 for exponential backoff") {
    p.multiplier = 0.5;
    CHECK_THAT(validate(p), Catch::Contains("retry.multiplier") && Catch::Contains("0.5") &&
                                Catch::Contains("at least 1"));
    p.multiplier = std::nan("");
    CHECK_THAT(validate(p), Catch::Contains("retry.multiplier") && Catch::Contains("nan"));
  }
  SECTION("multiplier is irrelevant for linear backoff") {
    p.strategy = backoff::linear;
    p.multiplier = 0.5;
    CHECK(validate(p).empty());
  }
  SECTION("jitter outside [0, 1]") {
    p.jitter = GENERATE(-0.1, 1.5);
    CHECK_THAT(validate(p), Catch::Contains("retry.jitter") && Catch::Contains("[0, 1]"));
  }
  SECTION("jitter NaN") {
    p.jitter = std::nan("");
    CHECK_THAT(validate(p), Catch::Contains("retry.jitter (nan)"));
  }
  SECTION("jitter at the bounds is fine") {
    p.jitter = GENERATE(0.0, 1.0);
    CHECK(validate(p).empty());
  }
  SECTION("more than 1000 retries, with the reason") {
    p.max_retries = 1001;
    CHECK_THAT(validate(p), Catch::Contains("retry.max_retries (1001)") &&
                                Catch::Contains("at most 1000") && Catch::Contains("deadline"));
    p.max_retries = 1000;
    CHECK(validate(p).empty());
  }
}

TEST_CASE("parse_backoff accepts the three strategy names, case-insensitively", "[unit]") {
  backoff b = backoff::immediate;
  CHECK(parse_backoff("exponential", b));
  CHECK(b == backoff::exponential);
  CHECK(parse_backoff(" Linear ", b));
  CHECK(b == backoff::linear);
  CHECK(parse_backoff("IMMEDIATE", b));
  CHECK(b == backoff::immediate);
  CHECK_FALSE(parse_backoff("fibonacci", b));
  CHECK_FALSE(parse_backoff("", b));
  CHECK(b == backoff::immediate);
}
