#include "runtime/policy/savepoint_name.hpp"

#include <catch2/catch.hpp>

using namespace actortx;

TEST_CASE("plain identifiers are valid savepoint names", "[unit]") {
  for (const char* ok : {"a", "before_update", "_x1", "step$2", "ABC", "actortx_other"})
    CHECK(savepoint_name_problem(ok).empty());
  CHECK(savepoint_name_problem(std::string(63, 'a')).empty());
}

TEST_CASE("invalid savepoint names are rejected, naming the name and the reason", "[unit]") {
  CHECK(savepoint_name_problem("").find("empty") != std::string::npos);
  auto injection = savepoint_name_problem("x; DROP TABLE t");
  CHECK(injection.find("\"x; DROP TABLE t\"") != std::string::npos);
  CHECK(injection.find("only letters, digits") != std::string::npos);
  CHECK(savepoint_name_problem("1abc").find("must start with") != std::string::npos);
  CHECK(savepoint_name_problem(std::string(64, 'a')).find("63 bytes") != std::string::npos);
  CHECK(savepoint_name_problem("a\"b").find("only letters") != std::string::npos);
  CHECK(savepoint_name_problem("actortx_sp_1").find("reserved") != std::string::npos);
  CHECK(savepoint_name_problem("ACTORTX_SP_x").find("reserved") != std::string::npos);
}
