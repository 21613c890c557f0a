// actortx.log-levels: read from the command line and the INI file into runtime_config, and
// refused by validate() / read_config() with the key and the part that is wrong.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "support/config_helpers.hpp"

using namespace actortx;
using namespace actortx::test;

namespace {

/// The config_error read_config() throws for these arguments; fails the test if none.
config_error read_error(const string_list& args) {
  caf_config cfg;
  auto err = cfg.parse(args);
  INFO(caf::to_string(err));
  REQUIRE_FALSE(err);
  try {
    read_config(cfg);
  } catch (const config_error& e) {
    return e;
  }
  FAIL("read_config() accepted " << args.back());
  return config_error{"", "", ""};
}

}  // namespace

TEST_CASE("log-levels is empty unless set: every component at log-level", "[unit]") {
  auto c = read_args({});
  CHECK(c.log_levels.empty());
  CHECK(c.log_level == "info");
  CHECK(c.logger == nullptr);
}

TEST_CASE("read_config reads log-levels from the command line", "[unit]") {
  auto c = read_args({"--actortx.log-level=warn", "--actortx.log-levels=pool=debug,saga=error"});
  CHECK(c.log_level == "warn");
  CHECK(c.log_levels == "pool=debug,saga=error");
}

TEST_CASE("read_config reads log-levels from the INI file", "[unit]") {
  temp_ini ini{
      "[actortx]\n"
      "log-level=\"error\"\n"
      "log-levels=\"connection=debug, supervisor=trace\"\n"};
  auto c = read_args({"--config-file=" + ini.path()});
  CHECK(c.log_level == "error");
  CHECK(c.log_levels == "connection=debug, supervisor=trace");
}

TEST_CASE("validate refuses a bad log-levels spec naming the key and the bad part", "[unit]") {
  runtime_config c;
  std::string part;
  SECTION("an unknown component") {
    c.log_levels = "pool=debug,pools=debug";
    part = "unknown component \"pools\"";
  }
  SECTION("an unknown level") {
    c.log_levels = "pool=loud";
    part = "unknown level \"loud\" for pool";
  }
  SECTION("a part without a level") {
    c.log_levels = "saga";
    part = "\"saga\" is not component=level";
  }
  try {
    validate(c);
    FAIL("validate() accepted " << c.log_levels);
  } catch (const config_error& e) {
    CHECK(e.field() == "actortx.log-levels");
    CHECK(e.value() == c.log_levels);
    CHECK_THAT(e.what(), Catch::StartsWith("actortx.log-levels: ") && Catch::Contains(part));
  }
}

TEST_CASE("validate accepts a spec with blanks and empty parts", "[unit]") {
  runtime_config c;
  c.log_levels = " pool = debug ,, saga=warn, ";
  CHECK_NOTHROW(validate(c));
}

TEST_CASE("read_config refuses a bad log-levels from the command line", "[unit]") {
  auto e = read_error({"--actortx.log-levels=pool=debug,saga=chatty"});
  CHECK(e.field() == "actortx.log-levels");
  CHECK_THAT(e.what(), Catch::Contains("unknown level \"chatty\" for saga"));
}

TEST_CASE("read_config refuses a bad log-levels from the INI file", "[unit]") {
  temp_ini ini{"[actortx]\nlog-levels=\"sagas=warn\"\n"};
  auto e = read_error({"--config-file=" + ini.path()});
  CHECK(e.field() == "actortx.log-levels");
  CHECK(e.value() == "sagas=warn");
  CHECK_THAT(e.what(), Catch::Contains("unknown component \"sagas\""));
}
