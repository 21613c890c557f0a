// Numbers keep their exact value wherever they are written as text: SQL parameters, procedure
// arguments (sent and read back) and a saga's context.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/exact_number.hpp>
#include <actortx/procedure_registry.hpp>
#include <actortx/saga_context.hpp>
#include <actortx/statement.hpp>

using namespace actortx;

namespace {

/// The doubles the issue names, and neighbours that printf-style formatting gets wrong.
const std::vector<double>& awkward_doubles() {
  static const std::vector<double> xs{1e-9,
                                      1e-300,
                                      0.1,
                                      -0.0,
                                      5e-324,
                                      DBL_MAX,
                                      -DBL_MAX,
                                      DBL_MIN,
                                      3.14159265358979,
                                      0.1 + 0.2,
                                      123456789012345678.0,
                                      static_cast<double>(INT64_MAX),
                                      -1.5e-310};
  return xs;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("exact_text writes doubles that parse back to the same bits", "[unit]") {
  for (double x : awkward_doubles()) {
    const auto text = exact_text(x);
    INFO(text);
    auto back = parse_exact_real(text);
    REQUIRE(back);
    CHECK(same_bits(*back, x));
  }
  CHECK(exact_text(1e-9) == "1e-09");
  CHECK(exact_text(3.14159265358979) == "3.14159265358979");
  CHECK(exact_text(-0.0) == "-0");
  CHECK(exact_text(0.1) == "0.1");
  CHECK(exact_text(100.0) == "100");
}

TEST_CASE("exact_text writes NaN and the infinities in PostgreSQL's spelling", "[unit]") {
  CHECK(exact_text(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(exact_text(-std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(exact_text(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(exact_text(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(std::isnan(*parse_exact_real("NaN")));
  CHECK(*parse_exact_real("Infinity") == std::numeric_limits<double>::infinity());
  CHECK(*parse_exact_real("-Infinity") == -std::numeric_limits<double>::infinity());
}

TEST_CASE("exact_text writes a float as the double it is, and integers at their limits", "[unit]") {
  CHECK(*parse_exact_real(exact_text(0.1f)) == static_cast<double>(0.1f));
  CHECK(exact_text(INT64_MIN) == "-9223372036854775808");
  CHECK(exact_text(INT64_MAX) == "9223372036854775807");
  CHECK(exact_text(UINT64_MAX) == "18446744073709551615");
  CHECK(*parse_exact_int("-9223372036854775808") == INT64_MIN);
  CHECK(*parse_exact_int("9223372036854775807") == INT64_MAX);
}

TEST_CASE("parse_exact_* take whole numbers only, within range", "[unit]") {
  for (const char* bad :
       {"", " 1", "1 ", "1e", "0x10", "1,5", "abc", "1e400", "-1e400", "1e-400", "++1", "+-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_exact_real(bad));
  }
  CHECK(*parse_exact_real("+2.5") == 2.5);
  CHECK(*parse_exact_real("1E-9") == 1e-9);
  for (const char* bad : {"", "1.0", "9223372036854775808", "-9223372036854775809", " 7", "7x"}) {
    INFO(bad);
    CHECK_FALSE(parse_exact_int(bad));
  }
  CHECK(*parse_exact_int("+7") == 7);
}

TEST_CASE("sql_value::of a number is its exact text", "[unit]") {
  CHECK(sql_value::of(1e-9).text == "1e-09");
  CHECK(sql_value::of(3.14159265358979).text == "3.14159265358979");
  CHECK(sql_value::of(std::numeric_limits<double>::quiet_NaN()).text == "NaN");
  CHECK(sql_value::of(UINT64_MAX).text == "18446744073709551615");
  CHECK(sql_value::of(true).text == "true");
  tx_script s;
  s.add("SELECT $1::float8, $2::bigint", 5e-324, INT64_MIN);
  CHECK(s.statements[0].params[0].text == "5e-324");
  CHECK(s.statements[0].params[1].text == "-9223372036854775808");
}

TEST_CASE("a procedure's real argument arrives as the caller's double", "[unit]") {
  procedure_def def{"p", {{"x", value_kind::real}, {"n", value_kind::integer}}, {}};
  for (double x : awkward_doubles()) {
    auto call = procedure_call::make("p", x, INT64_MIN);
    INFO(call.args[0].text);
    REQUIRE_FALSE(check_call(def, call));
    proc_args a{def.params, call.args};
    CHECK(same_bits(a.get_real("x"), x));
    CHECK(same_bits(*parse_exact_real(a.sql("x").text), x));
    CHECK(a.get_int("n") == INT64_MIN);
  }
}

TEST_CASE("a procedure takes NaN and infinities only where the parameter allows them", "[unit]") {
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto inf = std::numeric_limits<double>::infinity();
  procedure_def strict{"p", {{"x", value_kind::real}}, {}};
  auto bad = check_call(strict, procedure_call::make("p", nan));
  REQUIRE(bad);
  CHECK(*bad ==
        "procedure 'p' argument 1 'x': \"NaN\" is not a finite real (the parameter "
        "does not take NaN or infinities)");
  CHECK(check_call(strict, procedure_call::make("p", -inf)));

  procedure_def lax{"p", {{"x", value_kind::real, false, true}}, {}};
  for (double x : {nan, inf, -inf}) {
    auto call = procedure_call::make("p", x);
    REQUIRE_FALSE(check_call(lax, call));
    proc_args a{lax.params, call.args};
    CHECK(exact_text(a.get_real("x")) == call.args[0].text);
  }
  // Another sender's spelling is accepted and bound in the canonical form.
  auto other = procedure_call::make("p", 1.0);
  other.args[0].text = "-inf";
  REQUIRE_FALSE(check_call(lax, other));
  CHECK(proc_args{lax.params, other.args}.sql("x").text == "-Infinity");
}

TEST_CASE("a procedure refuses integers beyond int64 and malformed reals, naming them", "[unit]") {
  procedure_def def{"p", {{"n", value_kind::integer}, {"x", value_kind::real}}, {}};
  auto big = check_call(def, procedure_call::make("p", UINT64_MAX, 1.0));
  REQUIRE(big);
  CHECK_THAT(*big, Catch::Contains("'n'") && Catch::Contains("18446744073709551615") &&
                       Catch::Contains("is not a valid integer"));
  auto call = procedure_call::make("p", 1, 1.0);
  call.args[1].text = "1e400";
  auto huge = check_call(def, call);
  REQUIRE(huge);
  CHECK_THAT(*huge, Catch::Contains("'x'") && Catch::Contains("is not a valid real"));
}

TEST_CASE("a saga context keeps numbers exactly", "[unit]") {
  saga_context c;
  for (double x : awkward_doubles()) {
    c.set("x", x);
    INFO(c.get("x"));
    CHECK(same_bits(c.get_real("x"), x));
  }
  c.set("nan", std::numeric_limits<double>::quiet_NaN());
  CHECK(c.get("nan") == "NaN");
  CHECK(std::isnan(c.get_real("nan")));
  c.set("inf", -std::numeric_limits<double>::infinity());
  CHECK(c.get_real("inf") == -std::numeric_limits<double>::infinity());
  c.set("min", INT64_MIN);
  CHECK(c.get_int("min") == INT64_MIN);
  c.set("umax", UINT64_MAX);
  CHECK(c.get("umax") == "18446744073709551615");
  CHECK_THROWS_WITH(c.get_int("umax"), Catch::Contains("'umax' is not an integer"));
  c.set("word", "pi");
  CHECK_THROWS_WITH(c.get_real("word"), "saga context key 'word' is not a number: \"pi\"");
  c.set("flag", true);
  CHECK(c.get("flag") == "true");
}
