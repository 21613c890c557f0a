// Runtime configuration: validation messages, reading the [actortx] options from CLI and INI.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "support/config_helpers.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test;

namespace {}  // namespace

TEST_CASE("config_error says which field has which invalid value and why", "[unit]") {
  config_error e{"actortx.pool-max", "0", "the pool needs at least one connection"};
  CHECK(std::string{e.what()} ==
        "actortx.pool-max: 0 is invalid: the pool needs at least one connection");
  CHECK(e.field() == "actortx.pool-max");
  CHECK(e.value() == "0");
}

TEST_CASE("the default runtime_config is valid", "[unit]") {
  CHECK(problem({}).empty());
}

TEST_CASE("validate rejects each invalid field, naming it and its value", "[unit]") {
  runtime_config c;
  std::string field, value;
  SECTION("pool-max 0") {
    c.pool.max = 0;
    field = "actortx.pool-max: 0";
    value = "at least one connection";
  }
  SECTION("pool-min above pool-max") {
    c.pool.min = 9;
    c.pool.max = 4;
    field = "actortx.pool-min: 9";
    value = "actortx.pool-max (4)";
  }
  SECTION("pool-max-waiters 0") {
    c.pool.max_waiters = 0;
    field = "actortx.pool-max-waiters: 0";
    value = "waiter";
  }
  SECTION("acquire-timeout not positive") {
    c.pool.acquire_timeout = 0ms;
    field = "actortx.acquire-timeout: 0ms";
    value = "between 1ms and 3600000ms";
  }
  SECTION("acquire-timeout above an hour") {
    c.pool.acquire_timeout = std::chrono::hours(2);
    field = "actortx.acquire-timeout: 7200000ms";
    value = "between 1ms and 3600000ms";
  }
  SECTION("connect-timeout above ten minutes") {
    c.pool.connect_timeout = std::chrono::hours(1);
    field = "actortx.connect-timeout: 3600000ms";
    value = "between 1000ms and 600000ms";
  }
  SECTION("tx-timeout above a day") {
    c.transactions.defaults.timeout =
        std::chrono::milliseconds(std::numeric_limits<int64_t>::max());
    field = "actortx.tx-timeout: 9223372036854775807ms";
    value = "between 1ms and 86400000ms";
  }
  SECTION("connect-timeout below one second") {
    c.pool.connect_timeout = 500ms;
    field = "actortx.connect-timeout: 500ms";
    value = "whole-second granularity";
  }
  SECTION("tx-timeout not positive") {
    c.transactions.defaults.timeout = -1ms;
    field = "actortx.tx-timeout: -1ms";
    value = "between 1ms and 86400000ms";
  }
  SECTION("retry initial delay negative") {
    c.transactions.defaults.retry.initial_delay = -10ms;
    field = "actortx.retry-initial-delay: -10ms";
    value = "negative";
  }
  SECTION("retry max delay below the initial delay") {
    c.transactions.defaults.retry.max_delay = 10ms;
    field = "actortx.retry-max-delay: 10ms";
    value = "initial delay (1000ms)";
  }
  SECTION("retry multiplier below 1") {
    c.transactions.defaults.retry.multiplier = 0.5;
    field = "actortx.retry-multiplier: 0.5";
    value = "at least 1";
  }
  SECTION("retry jitter above 1") {
    c.transactions.defaults.retry.jitter = 2;
    field = "actortx.retry-jitter: 2";
    value = "[0, 1]";
  }
  SECTION("retry max above 1000") {
    c.transactions.defaults.retry.max_retries = 5000;
    field = "actortx.retry-max: 5000";
    value = "at most 1000";
  }
  SECTION("prepared-statement-cache 0 with prepared statements on") {
    c.statements.cache_size = 0;
    field = "actortx.prepared-statement-cache: 0";
    value = "between 1 and 10000 (to run statements unnamed, set actortx.prepared-statements";
  }
  SECTION("prepared-statement-cache above 10000") {
    c.statements.cache_size = 10001;
    field = "actortx.prepared-statement-cache: 10001";
    value = "between 1 and 10000";
  }
  SECTION("unknown log level") {
    c.log_level = "loud";
    field = "actortx.log-level: loud";
    value = "trace, debug, info, warn, error, critical, off";
  }
  SECTION("unparsable DSN, password hidden") {
    c.dsn = "host=x passwd=hunter2";
    field = "actortx.dsn: ";
    value = "invalid connection option \"passwd\"";
  }
  auto msg = problem(c);
  CAPTURE(msg);
  CHECK_THAT(msg, Catch::StartsWith(field) && Catch::Contains(value));
  CHECK(msg.find("hunter2") == std::string::npos);
}

TEST_CASE("validate accepts what is unusual but harmless", "[unit]") {
  runtime_config c;
  c.dsn = "";  // falls back to ACTORTX_DSN later
  c.pool.min = 0;
  c.pool.max = 1;
  c.pool.connect_timeout = 1s;
  c.transactions.defaults.deferrable =
      true;  // without SERIALIZABLE READ ONLY PostgreSQL ignores it
  c.dsn = "postgresql://u:pw@h/db";
  CHECK(problem(c).empty());
}

TEST_CASE("read_config keeps the defaults when nothing is set", "[unit]") {
  auto c = read_args({});
  runtime_config d;
  CHECK(c.dsn.empty());
  CHECK(c.pool.min == d.pool.min);
  CHECK(c.pool.max == d.pool.max);
  CHECK(c.pool.acquire_timeout == d.pool.acquire_timeout);
  CHECK(c.transactions.defaults.timeout == d.transactions.defaults.timeout);
  CHECK(c.transactions.defaults.retry.max_retries == d.transactions.defaults.retry.max_retries);
  CHECK(c.log_level == "info");
}

// Boolean options are flags on CAF 0.17's command line: "--actortx.read-only", not "=true".
TEST_CASE("read_config reads every actortx option from the command line", "[unit]") {
  auto c = read_args(
      {"--actortx.dsn=host=db port=6543", "--actortx.pool-min=2", "--actortx.pool-max=16",
       "--actortx.pool-max-waiters=50", "--actortx.acquire-timeout=250ms",
       "--actortx.connect-timeout=3s", "--actortx.tx-timeout=2s",
       "--actortx.isolation=Repeatable-Read", "--actortx.read-only", "--actortx.deferrable",
       "--actortx.retry-strategy=linear", "--actortx.retry-initial-delay=20ms",
       "--actortx.retry-max-delay=1s", "--actortx.retry-multiplier=1.5",
       "--actortx.retry-jitter=0.25", "--actortx.retry-full-jitter", "--actortx.retry-max=7",
       "--actortx.scheduler-threads=2", "--actortx.log-level=debug"});
  CHECK(c.dsn == "host=db port=6543");
  CHECK(c.pool.min == 2);
  CHECK(c.pool.max == 16);
  CHECK(c.pool.max_waiters == 50);
  CHECK(c.pool.acquire_timeout == 250ms);
  CHECK(c.pool.connect_timeout == 3s);
  CHECK(c.transactions.defaults.timeout == 2s);
  CHECK(c.transactions.defaults.level == isolation::repeatable_read);
  CHECK(c.transactions.defaults.read_only);
  CHECK(c.transactions.defaults.deferrable);
  CHECK(c.transactions.defaults.retry.strategy == backoff::linear);
  CHECK(c.transactions.defaults.retry.initial_delay == 20ms);
  CHECK(c.transactions.defaults.retry.max_delay == 1s);
  CHECK(c.transactions.defaults.retry.multiplier == Approx(1.5));
  CHECK(c.transactions.defaults.retry.jitter == Approx(0.25));
  CHECK(c.transactions.defaults.retry.full_jitter);
  CHECK(c.transactions.defaults.retry.max_retries == 7u);
  CHECK(c.scheduler_threads == 2);
  CHECK(c.log_level == "debug");
}

TEST_CASE("read_config rejects an invalid value given on the command line", "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{"--actortx.pool-max=0"}));
  CHECK_THROWS_WITH(read_config(cfg),
                    "actortx.pool-max: 0 is invalid: the pool needs at least one connection");
}

TEST_CASE("CAF itself rejects a value of the wrong type on the command line", "[unit]") {
  caf_config cfg;
  CHECK(cfg.parse(string_list{"--actortx.pool-max=many"}));
}

TEST_CASE("an unknown isolation name is an error naming the key, the value and the choices",
          "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{"--actortx.isolation=snapshot"}));
  try {
    read_config(cfg);
    FAIL("no config_error");
  } catch (const config_error& e) {
    CHECK(e.field() == "actortx.isolation");
    CHECK(e.value() == "snapshot");
    CHECK_THAT(e.what(), Catch::Contains("read_committed") && Catch::Contains("serializable"));
  }
}

TEST_CASE("an unknown retry strategy is an error naming the key and the value", "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{"--actortx.retry-strategy=fibonacci"}));
  CHECK_THROWS_WITH(read_config(cfg), Catch::StartsWith("actortx.retry-strategy: fibonacci") &&
                                          Catch::Contains("exponential, linear, immediate"));
}

TEST_CASE("read_config reads the actortx section of an INI file", "[unit]") {
  temp_ini ini{
      "[actortx]\n"
      "dsn=\"host=127.0.0.1 dbname=shop password='p w'\"\n"
      "pool-max=4\n"
      "acquire-timeout=250ms\n"
      "tx-timeout=10s\n"
      "isolation=\"serializable\"\n"
      "read-only=true\n"
      "retry-strategy=\"exponential\"\n"
      "retry-initial-delay=5ms\n"
      "retry-multiplier=3.0\n"
      "retry-max=2\n"
      "log-level=\"warn\"\n"};
  auto c = read_args({"--config-file=" + ini.path()});
  CHECK(c.dsn == "host=127.0.0.1 dbname=shop password='p w'");
  CHECK(c.pool.max == 4);
  CHECK(c.pool.acquire_timeout == 250ms);
  CHECK(c.transactions.defaults.timeout == 10s);
  CHECK(c.transactions.defaults.level == isolation::serializable);
  CHECK(c.transactions.defaults.read_only);
  CHECK(c.transactions.defaults.retry.strategy == backoff::exponential);
  CHECK(c.transactions.defaults.retry.initial_delay == 5ms);
  CHECK(c.transactions.defaults.retry.multiplier == Approx(3.0));
  CHECK(c.transactions.defaults.retry.max_retries == 2u);
  CHECK(c.log_level == "warn");
  CHECK(c.pool.min == runtime_config{}.pool.min);  // unset keys keep their defaults
}

TEST_CASE("the command line overrides the INI file", "[unit]") {
  temp_ini ini{"[actortx]\npool-max=4\nconnect-timeout=2s\n"};
  auto c = read_args({"--config-file=" + ini.path(), "--actortx.pool-max=6"});
  CHECK(c.pool.max == 6);
  CHECK(c.pool.connect_timeout == 2s);
}

TEST_CASE("an invalid INI value is reported with its key", "[unit]") {
  temp_ini ini{"[actortx]\nconnect-timeout=200ms\n"};
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{"--config-file=" + ini.path()}));
  CHECK_THROWS_WITH(read_config(cfg), Catch::StartsWith("actortx.connect-timeout: 200ms"));
}

TEST_CASE("a value of the wrong type in the settings is reported, not ignored", "[unit]") {
  caf_config cfg;
  // cfg.set() would refuse it; content is what an undeclared option would look like.
  caf::put(cfg.content, "actortx.pool-max", "lots");
  CHECK_THROWS_WITH(read_config(cfg), Catch::StartsWith("actortx.pool-max: ") &&
                                          Catch::Contains("lots") && Catch::Contains("count"));
}

TEST_CASE("parse_isolation accepts every spelling of the four levels", "[unit]") {
  std::string text;
  isolation expected;
  std::tie(text, expected) = GENERATE(table<std::string, isolation>({
      {"read_uncommitted", isolation::read_uncommitted},
      {"read-uncommitted", isolation::read_uncommitted},
      {"read uncommitted", isolation::read_uncommitted},
      {"READ UNCOMMITTED", isolation::read_uncommitted},
      {"read_committed", isolation::read_committed},
      {"Read Committed", isolation::read_committed},
      {"repeatable-read", isolation::repeatable_read},
      {"  repeatable   read ", isolation::repeatable_read},
      {"serializable", isolation::serializable},
      {"SERIALIZABLE", isolation::serializable},
  }));
  CAPTURE(text);
  auto out =
      isolation::serializable == expected ? isolation::read_committed : isolation::serializable;
  CHECK(parse_isolation(text, out));
  CHECK(out == expected);
}

TEST_CASE("parse_isolation rejects unknown names", "[unit]") {
  isolation out = isolation::read_committed;
  for (auto text : {"", "snapshot", "read", "readcommitted", "serializable2"})
    CHECK_FALSE(parse_isolation(text, out));
  CHECK(out == isolation::read_committed);
}

TEST_CASE("a non-positive long-running threshold is rejected by name", "[unit]") {
  runtime_config cfg;
  cfg.transactions.long_running_threshold = std::chrono::milliseconds{0};
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("actortx.long-running-threshold"));
}

TEST_CASE("prepared statements: defaults, both keys read, off means an unsized cache", "[unit]") {
  runtime_config d;
  CHECK(d.statements.prepared);
  CHECK(d.statements.cache_size == 256);
  CHECK(statement_cache_size(d) == 256);

  temp_ini ini{"[actortx]\nprepared-statements=false\nprepared-statement-cache=0\n"};
  auto off = read_args({"--config-file=" + ini.path()});
  CHECK_FALSE(off.statements.prepared);
  CHECK(off.statements.cache_size == 0);  // irrelevant when off: not refused
  CHECK(statement_cache_size(off) == 0);

  auto on = read_args({"--actortx.prepared-statement-cache=32"});
  CHECK(on.statements.prepared);
  CHECK(statement_cache_size(on) == 32);
}

TEST_CASE("an out-of-range prepared-statement-cache is an error naming the key", "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{"--actortx.prepared-statement-cache=20000"}));
  CHECK_THROWS_WITH(read_config(cfg),
                    Catch::StartsWith("actortx.prepared-statement-cache: 20000 is invalid: ") &&
                        Catch::Contains("between 1 and 10000"));
}
