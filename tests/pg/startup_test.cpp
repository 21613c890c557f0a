// Starting the runtime: clear errors for a bad DSN or an unreachable server, never a password.
#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

TEST_CASE("an unreachable server fails startup naming the target, not the password", "[pg]") {
  runtime_config cfg;
  cfg.dsn = "host=127.0.0.1 port=1 dbname=nowhere user=alice password=s3cret connect_timeout=1";
  try {
    runtime rt{cfg};
    FAIL("runtime started without a server");
  } catch (const startup_error& e) {
    std::string what = e.what();
    CHECK(what.find("cannot connect to PostgreSQL") != std::string::npos);
    CHECK(what.find("127.0.0.1:1/nowhere") != std::string::npos);
    CHECK(what.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("an unparsable DSN is a config error naming the DSN field", "[pg]") {
  runtime_config cfg;
  cfg.dsn = "host=localhost bogus_option=1 password=s3cret";
  try {
    runtime rt{cfg};
    FAIL("runtime accepted a bad DSN");
  } catch (const config_error& e) {
    std::string what = e.what();
    CHECK(e.field() == "actortx.dsn");
    CHECK(what.find("bogus_option") != std::string::npos);
    CHECK(what.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("a missing database is reported clearly at startup", "[pg]") {
  test::test_schema db;
  runtime_config cfg = test::test_config(db);
  cfg.dsn = db.base_dsn() + " dbname=no_such_db";
  try {
    runtime rt{cfg};
    FAIL("runtime started on a missing database");
  } catch (const startup_error& e) {
    CHECK(std::string{e.what()}.find("no_such_db") != std::string::npos);
  }
}
