// Numbers bound in a script reach PostgreSQL as the very same value, and come back unchanged:
// the doubles printf-style formatting rounded (1e-9 became 0), the integer limits, NaN and the
// infinities.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/exact_number.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

const std::vector<double> doubles{1e-9,    1e-300,          0.1, -0.0, 5e-324, DBL_MAX, -DBL_MAX,
                                  DBL_MIN, 3.14159265358979};

/// Equal to the last bit; any NaN equals any NaN (PostgreSQL has one NaN).
bool exactly(double got, double want) {
  if (std::isnan(want)) return std::isnan(got);
  return std::memcmp(&got, &want, sizeof got) == 0;
}

double real_of(const sql_value& v) {
  REQUIRE_FALSE(v.is_null);
  auto x = parse_exact_real(v.text);
  REQUIRE(x);
  return *x;
}

}  // namespace

TEST_CASE("a script's float8 parameters round-trip through PostgreSQL exactly", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE num (i int PRIMARY KEY, x float8 NOT NULL)");
  runtime rt{test::test_config(db)};
  tx_script script;
  for (size_t i = 0; i < doubles.size(); ++i)
    script.add("INSERT INTO num VALUES ($1, $2) RETURNING x", static_cast<int>(i), doubles[i]);
  script.add("SELECT $1::float8, $2::float8", 1e-9, 3.14159265358979);
  auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  REQUIRE(out.committed());
  for (size_t i = 0; i < doubles.size(); ++i) {
    INFO("value " << exact_text(doubles[i]) << " came back as " << out.results[i].rows[0][0].text);
    CHECK(exactly(real_of(out.results[i].rows[0][0]), doubles[i]));
    // What is stored, read on a connection of our own (no actortx on the way back).
    auto stored = db.exec("SELECT x::text FROM num WHERE i = " + std::to_string(i));
    CHECK(exactly(*parse_exact_real(stored[0][0].c_str()), doubles[i]));
  }
  const auto& last = out.results.back().rows[0];
  CHECK(last[0].text != "0");  // the case: 1e-9 was sent as "0.000000"
  CHECK(exactly(real_of(last[0]), 1e-9));
  CHECK(exactly(real_of(last[1]), 3.14159265358979));
}

TEST_CASE("a script's integer parameters at their limits round-trip exactly", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_script script;
  script.add("SELECT $1::bigint, $2::bigint, $3::numeric, $4::numeric", INT64_MIN, INT64_MAX,
             UINT64_MAX, uint64_t{0});
  auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  REQUIRE(out.committed());
  const auto& row = out.results[0].rows[0];
  CHECK(row[0].text == "-9223372036854775808");
  CHECK(row[1].text == "9223372036854775807");
  CHECK(row[2].text == "18446744073709551615");
  CHECK(row[3].text == "0");
}

TEST_CASE("NaN and the infinities reach float8 and numeric as themselves", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto inf = std::numeric_limits<double>::infinity();
  tx_script script;
  script.add("SELECT $1::float8, $2::float8, $3::float8, $1::float8 = 'NaN'::float8", nan, inf,
             -inf);
  script.add("SELECT $1::numeric, $2::numeric", nan, -inf);
  auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  REQUIRE(out.committed());
  const auto& f = out.results[0].rows[0];
  CHECK(std::isnan(real_of(f[0])));
  CHECK(real_of(f[1]) == inf);
  CHECK(real_of(f[2]) == -inf);
  CHECK(f[3].text == "t");
  CHECK(out.results[1].rows[0][0].text == "NaN");
  CHECK(out.results[1].rows[0][1].text == "-Infinity");
}

TEST_CASE("a double bound where an integer is expected fails with the server's error", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_script script;
  script.add("SELECT $1::bigint", 1e300);
  auto out = rt.transact(rt.default_options(), script);
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "22P02");  // invalid_text_representation: "1e+300" is not a bigint
}
