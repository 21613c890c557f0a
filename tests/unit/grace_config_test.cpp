// The grace settings of the outcome contract are checked like every other key.
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

using namespace actortx;

TEST_CASE("grace settings out of range name the key and the value", "[unit]") {
  runtime_config cfg;
  cfg.dsn = "host=localhost";
  cfg.transactions.cancel_grace = std::chrono::milliseconds(0);
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("actortx.cancel-grace: 0ms is invalid"));
  cfg.transactions.cancel_grace = std::chrono::milliseconds(20);
  cfg.transactions.commit_grace = std::chrono::seconds(2);
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("actortx.commit-grace"));
  cfg.transactions.commit_grace = std::chrono::milliseconds(25);
  cfg.transactions.shutdown_grace = std::chrono::hours(1);
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("actortx.shutdown-grace"));
  cfg.transactions.shutdown_grace = std::chrono::seconds(5);
  CHECK_NOTHROW(validate(cfg));
}
