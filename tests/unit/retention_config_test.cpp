// Retention settings: defaults, reading actortx.retention / prune-interval / prune-batch, and
// the errors that name a bad value.
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "support/config_helpers.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test;

TEST_CASE("retention defaults: a week kept, pruned every 10 minutes in batches of 1000", "[unit]") {
  runtime_config c;
  CHECK(c.retention.retention == std::chrono::hours(168));
  CHECK(c.retention.prune_interval == 10min);
  CHECK(c.retention.prune_batch == 1000);
  CHECK(problem(c).empty());
  auto read = read_args({});
  CHECK(read.retention.retention == c.retention.retention);
  CHECK(read.retention.prune_interval == c.retention.prune_interval);
  CHECK(read.retention.prune_batch == c.retention.prune_batch);
}

TEST_CASE("read_config reads the three retention keys", "[unit]") {
  auto c = read_args(
      {"--actortx.retention=72h", "--actortx.prune-interval=0s", "--actortx.prune-batch=50"});
  CHECK(c.retention.retention == 72h);
  CHECK(c.retention.prune_interval == 0ms);  // pruning off
  CHECK(c.retention.prune_batch == 50);
  CHECK(problem(c).empty());
}

TEST_CASE("a bad retention setting is an error naming the key, its value and the rule", "[unit]") {
  runtime_config c;
  std::string key, rule;
  SECTION("retention below 48h") {
    c.retention.retention = 47h;
    key = "actortx.retention";
    rule = "at least 48h";
  }
  SECTION("negative prune interval") {
    c.retention.prune_interval = -1ms;
    key = "actortx.prune-interval";
    rule = "must not be negative";
  }
  SECTION("prune batch 0") {
    c.retention.prune_batch = 0;
    key = "actortx.prune-batch: 0";
    rule = "between 1 and 100000";
  }
  SECTION("prune batch above 100000") {
    c.retention.prune_batch = 100001;
    key = "actortx.prune-batch: 100001";
    rule = "between 1 and 100000";
  }
  auto what = problem(c);
  INFO(what);
  CHECK(what.find(key) != std::string::npos);
  CHECK(what.find(rule) != std::string::npos);
}

TEST_CASE("a retention of exactly 48h and a batch of 100000 are accepted", "[unit]") {
  runtime_config c;
  c.retention.retention = 48h;
  c.retention.prune_batch = 100000;
  CHECK(problem(c).empty());
}
