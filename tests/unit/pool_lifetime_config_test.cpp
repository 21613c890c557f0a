// The pool's lifetime, idle timeout and session reset keys: read from CLI and INI, validated
// with messages that name the key, the value and what would be accepted.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "support/config_helpers.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using namespace actortx::test;

namespace {

std::string problem(const pool_config& pool) {
  try {
    pool.validate();
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("the pool keeps connections an hour, closes extra idle ones after 10 min, resets",
          "[unit]") {
  const pool_config d;
  CHECK(d.max_lifetime == 1h);
  CHECK(d.idle_timeout == 10min);
  CHECK(d.reset_session);
  CHECK(problem(d).empty());
}

TEST_CASE("pool lifetime and idle timeout are 0 (off) or 1s..720h", "[unit]") {
  pool_config p;
  p.max_lifetime = 0ms;
  p.idle_timeout = 0ms;
  CHECK(problem(p).empty());
  p.max_lifetime = 1s;
  p.idle_timeout = 720h;
  CHECK(problem(p).empty());
  p.max_lifetime = 500ms;
  CHECK(problem(p) ==
        "actortx.pool-max-lifetime: 500ms is invalid: must be 0 (off) or between 1s and 720h");
  p.max_lifetime = 1h;
  p.idle_timeout = 721h;
  CHECK(problem(p) ==
        "actortx.pool-idle-timeout: 2595600000ms is invalid: must be 0 (off) or "
        "between 1s and 720h");
  p.idle_timeout = -1s;
  CHECK(problem(p).find("actortx.pool-idle-timeout: -1000ms") == 0);
}

// CAF 0.17 takes booleans on the command line as flags only: pool-reset-session=false is
// for the INI file (below) or code.
TEST_CASE("the pool lifetime keys are read from the command line", "[unit]") {
  auto c = read_args({"--actortx.pool-max-lifetime=30min", "--actortx.pool-idle-timeout=0s"});
  CHECK(c.pool.max_lifetime == 30min);
  CHECK(c.pool.idle_timeout == 0ms);
  CHECK(c.pool.reset_session);
}

TEST_CASE("the pool lifetime keys are read from an INI file", "[unit]") {
  const std::string path = "/tmp/actortx-pool-lifetime-" + std::to_string(::getpid()) + ".ini";
  std::ofstream{path} << "[actortx]\npool-max-lifetime=2h\npool-idle-timeout=90s\n"
                         "pool-reset-session=false\n";
  auto c = read_args({"--config-file=" + path});
  std::remove(path.c_str());
  CHECK(c.pool.max_lifetime == 2h);
  CHECK(c.pool.idle_timeout == 90s);
  CHECK_FALSE(c.pool.reset_session);
}
