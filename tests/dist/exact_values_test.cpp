// Numbers in a procedure call keep their exact value across nodes: sent by the caller, checked
// and read by the executing node (get_int, get_real) and bound as parameters there.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/exact_number.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

/// Equal to the last bit; any NaN equals any NaN (PostgreSQL has one NaN).
bool exactly(double got, double want) {
  if (std::isnan(want)) return std::isnan(got);
  return std::memcmp(&got, &want, sizeof got) == 0;
}

double stored(test::test_database& db, const std::string& column, const std::string& ref) {
  auto text =
      db.value<std::string>("SELECT " + column + "::text FROM numbers WHERE ref = '" + ref + "'");
  auto x = parse_exact_real(text);
  REQUIRE(x);
  return *x;
}

}  // namespace

TEST_CASE("a procedure on another node receives reals and integers exactly", "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 1, 0);
  db.exec("CREATE TABLE numbers (ref text PRIMARY KEY, n bigint, x float8, x_sent float8)");
  test::dist_node b{{db.dsn(), "b", nullptr}};
  runtime rt{test::client_config(db, {{"b", b.port()}}, nullptr)};

  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> xs{1e-9,
                               1e-300,
                               0.1,
                               -0.0,
                               5e-324,
                               DBL_MAX,
                               -DBL_MAX,
                               DBL_MIN,
                               3.14159265358979,
                               std::numeric_limits<double>::quiet_NaN(),
                               inf,
                               -inf};
  const std::vector<int64_t> ns{INT64_MIN, INT64_MAX, 0, -1};
  for (size_t i = 0; i < xs.size(); ++i) {
    const auto ref = "r" + std::to_string(i);
    const auto n = ns[i % ns.size()];
    auto out =
        rt.call_on("b", rt.default_options(), procedure_call::make("keep_numbers", ref, n, xs[i]));
    INFO(exact_text(xs[i]) << ": " << describe(out) << "\nnode log:\n" << b.log());
    REQUIRE(out.committed());
    CHECK(exactly(stored(db, "x", ref), xs[i]));       // get_real on node b
    CHECK(exactly(stored(db, "x_sent", ref), xs[i]));  // the argument bound as text
    CHECK(db.value<int64_t>("SELECT n FROM numbers WHERE ref = '" + ref + "'") == n);
  }
}

TEST_CASE("a procedure on another node refuses an integer beyond int64, naming it", "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 1, 0);
  db.exec("CREATE TABLE numbers (ref text PRIMARY KEY, n bigint, x float8, x_sent float8)");
  test::dist_node b{{db.dsn(), "b", nullptr}};
  runtime rt{test::client_config(db, {{"b", b.port()}}, nullptr)};

  auto out = rt.call_on("b", rt.default_options(),
                        procedure_call::make("keep_numbers", "big", UINT64_MAX, 1.0));
  INFO(describe(out));
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK_THAT(out.message, Catch::Contains("'n'") && Catch::Contains("18446744073709551615") &&
                              Catch::Contains("is not a valid integer"));
  CHECK(db.value<long>("SELECT count(*) FROM numbers") == 0);
}
