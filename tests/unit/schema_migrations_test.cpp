// The list of migrations this binary carries: what the runner relies on, checked without a
// database (the runner itself is tested against PostgreSQL in tests/pg/).
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "runtime/schema/migrations.hpp"

using namespace actortx;

TEST_CASE("migrations are numbered 1, 2, ... in order, each with a name and its SQL", "[unit]") {
  const auto& all = schema_migrations();
  REQUIRE_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    INFO("migration " << all[i].version << " " << all[i].name);
    CHECK(all[i].version == static_cast<int>(i + 1));
    CHECK(std::regex_match(std::string{all[i].name}, std::regex{"[a-z0-9_]+"}));
    CHECK(all[i].sql.find("CREATE") != std::string_view::npos);
  }
  CHECK(latest_schema_version() == all.back().version);
  CHECK(all.front().name == "initial");
}

TEST_CASE("no migration controls its transaction: the runner wraps each with its version row",
          "[unit]") {
  // A statement of its own ("COMMIT;"), not plpgsql's BEGIN of a function body.
  const std::regex control{R"((^|[^a-z_])(begin|commit|rollback|start transaction)\s*;)",
                           std::regex::icase};
  for (const auto& m : schema_migrations()) {
    INFO("migration " << m.version << " " << m.name);
    CHECK_FALSE(std::regex_search(std::string{m.sql}, control));
  }
}

TEST_CASE("migration 1 creates the version table the runner records every version in", "[unit]") {
  const auto sql = schema_migrations().front().sql;
  CHECK(sql.find("CREATE TABLE IF NOT EXISTS actortx.schema_version") != std::string_view::npos);
}
