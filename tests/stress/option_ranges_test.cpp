// Every numeric flag has a range; a value outside it is refused naming the flag and the value.
#include <limits>

#include <catch2/catch.hpp>

#include "options_validate.hpp"
#include "pool_check.hpp"

using namespace stress;

namespace {

/// The usage error validate() throws for `raw` and `o` ("" when it accepts them).
std::string refusal(options o, raw_choices raw) {
  try {
    validate(o, raw);
    return {};
  } catch (const usage_error& e) {
    return e.text;
  }
}

std::string with_duration(double d) {
  raw_choices raw;
  raw.duration = d;
  return refusal(options{}, raw);
}

}  // namespace

TEST_CASE("defaults are valid", "[unit]") {
  CHECK(refusal(options{}, raw_choices{}).empty());
}

TEST_CASE("the duration must be finite, above 0 and at most a day", "[unit]") {
  CHECK(with_duration(1e300) ==
        "--duration: 1e+300 is invalid: must be above 0 and at most 86400 seconds");
  CHECK(with_duration(std::numeric_limits<double>::infinity()) ==
        "--duration: inf is invalid: must be above 0 and at most 86400 seconds");
  CHECK(with_duration(std::numeric_limits<double>::quiet_NaN()).rfind("--duration: nan", 0) == 0);
  CHECK(with_duration(0).rfind("--duration: 0 is invalid", 0) == 0);
  CHECK(with_duration(-3).rfind("--duration: -3 is invalid", 0) == 0);
  CHECK(with_duration(86400).empty());
  CHECK(with_duration(0.5).empty());
}

TEST_CASE("integer flags are refused outside their range, naming flag and value", "[unit]") {
  raw_choices raw;
  raw.timeout_ms = std::numeric_limits<int64_t>::max();
  CHECK(refusal(options{}, raw) ==
        "--timeout: 9223372036854775807 is invalid: must be from 1 to 600000 ms");
  raw.timeout_ms = 0;
  CHECK(refusal(options{}, raw) == "--timeout: 0 is invalid: must be from 1 to 600000 ms");

  auto with = [](auto set) {
    options o;
    set(o);
    return refusal(o, raw_choices{});
  };
  CHECK(with([](options& o) { o.pool = 100000; }) ==
        "--pool: 100000 is invalid: must be from 1 to 1000");
  CHECK(with([](options& o) { o.pool = -1; }) == "--pool: -1 is invalid: must be from 1 to 1000");
  CHECK(with([](options& o) { o.accounts = 1; }) ==
        "--accounts: 1 is invalid: must be from 2 to 10000000");
  CHECK(with([](options& o) { o.transfers = 0; }) ==
        "--transfers: 0 is invalid: must be from 1 to 100000000");
  CHECK(with([](options& o) { o.concurrency = 5000; }) ==
        "--concurrency: 5000 is invalid: must be from 1 to 4096");
  CHECK(with([](options& o) { o.initial_balance = -1; }) ==
        "--initial-balance: -1 is invalid: must be from 0 to 1000000000000000");
  CHECK(with([](options& o) { o.nodes = 17; }) == "--nodes: 17 is invalid: must be from 0 to 16");
  CHECK(with([](options& o) { o.trend_bucket_s = 0; }) ==
        "--trend-bucket: 0 is invalid: must be from 1 to 60 seconds");
  CHECK(with([](options& o) { o.saga_fail_rate = 1.5; }) ==
        "--saga-fail-rate: 1.5 is invalid: must be from 0 to 1");
  CHECK(with([](options& o) { o.fault_interval_s = 0.01; }) ==
        "--fault-interval: 0.01 is invalid: must be from 0.1 to 3600 seconds");
  raw_choices port;
  port.dashboard_port = 70000;
  CHECK(refusal(options{}, port) ==
        "--dashboard: 70000 is invalid: must be from 0 to 65535 (0: any free port)");
}

TEST_CASE("the seed is an unsigned 64-bit number", "[unit]") {
  CHECK(parse_seed("0") == 0);
  CHECK(parse_seed("18446744073709551615") == std::numeric_limits<uint64_t>::max());
  CHECK_THROWS_AS(parse_seed("-1"), usage_error);
  CHECK_THROWS_AS(parse_seed("18446744073709551616"), usage_error);
  CHECK_THROWS_AS(parse_seed("12x"), usage_error);
  CHECK_THROWS_AS(parse_seed(""), usage_error);
}

TEST_CASE("a --dsn-b in an error is redacted", "[unit]") {
  options o;
  o.dsn_b = "host=/tmp password=s3cr3t";
  auto text = refusal(o, raw_choices{});  // --dsn-b without sagas
  CHECK(text.rfind("--dsn-b: ", 0) == 0);
  CHECK(text.find("s3cr3t") == std::string::npos);
}

TEST_CASE("the pool of every runtime must fit the server's connection slots", "[unit]") {
  connection_limit limit{100, 3, 0};
  options o;
  o.pool = 97;
  CHECK_NOTHROW(check_pool_fits(o, limit));
  o.pool = 98;
  try {
    check_pool_fits(o, limit);
    FAIL("accepted");
  } catch (const usage_error& e) {
    CHECK(e.text ==
          "--pool: 98 is invalid for this server: the run's 1 runtime(s) need up to 98 "
          "connections, but the server allows 97 (max_connections 100 - "
          "superuser_reserved_connections 3)");
  }
  o.pool = 40;
  o.nodes = 2;  // 2 workers x 40 + the coordinator's 2
  CHECK(connections_needed(o) == 82);
  CHECK_NOTHROW(check_pool_fits(o, limit));
  o.saga = true;
  o.nodes = 0;  // two runtimes, one per database
  CHECK(connections_needed(o) == 80);
  CHECK_THROWS_AS(check_pool_fits(o, connection_limit{100, 3, 20}), usage_error);
}
