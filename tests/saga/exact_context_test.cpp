// Numbers a saga step puts in the context reach the next steps, the saga log and the database
// exactly (the context used to hold "%f" text: 1e-9 became "0.000000").
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/exact_number.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

const std::vector<double> doubles{1e-9,   1e-300,  0.1,      -0.0,
                                  5e-324, DBL_MAX, -DBL_MIN, 3.14159265358979};

std::string key(size_t i) {
  return "x" + std::to_string(i);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// "measure" puts the numbers into the context (a body: they never were text before), and
/// "store" binds what it reads back from the context in a script.
void define_saga(saga_registry& reg) {
  reg.define("exact")
      .step("measure", saga_body{[](tx&, saga_context& ctx) {
              for (size_t i = 0; i < doubles.size(); ++i) ctx.set(key(i), doubles[i]);
              ctx.set("nan", std::numeric_limits<double>::quiet_NaN());
              ctx.set("min", INT64_MIN);
              ctx.set("umax", UINT64_MAX);
            }})
      .step("store", saga_script{[](const saga_context& ctx) {
              tx_script s;
              for (size_t i = 0; i < doubles.size(); ++i)
                s.add("INSERT INTO num VALUES ($1, $2)", key(i), ctx.get_real(key(i)));
              s.add("INSERT INTO num VALUES ('nan', $1)", ctx.get_real("nan"));
              s.add("INSERT INTO big VALUES ($1, $2)", ctx.get_int("min"), ctx.get("umax"));
              return s;
            }});
}

}  // namespace

TEST_CASE("numbers in a saga's context reach later steps, the log and the database exactly",
          "[saga][pg]") {
  test::test_database db;
  db.exec(
      "CREATE TABLE num (k text PRIMARY KEY, x float8 NOT NULL);"
      "CREATE TABLE big (i bigint NOT NULL, u numeric NOT NULL)");
  saga_registry reg;
  define_saga(reg);
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "exact-" + db.name();
  runtime rt{cfg, std::move(reg)};

  auto out = rt.run_saga("exact");
  INFO(out.message);
  REQUIRE(out.committed());
  for (size_t i = 0; i < doubles.size(); ++i) {
    INFO(key(i) << " = " << out.context.get(key(i)));
    CHECK(same_bits(out.context.get_real(key(i)), doubles[i]));
    auto stored = db.value<std::string>("SELECT x::text FROM num WHERE k = '" + key(i) + "'");
    CHECK(same_bits(*parse_exact_real(stored), doubles[i]));
    // The log's copy of the context (what a recovering node would resume with).
    auto logged = db.value<std::string>("SELECT context->>'" + key(i) +
                                        "' FROM actortx.saga WHERE id = '" + out.id + "'");
    CHECK(same_bits(*parse_exact_real(logged), doubles[i]));
  }
  CHECK(db.value<std::string>("SELECT x::text FROM num WHERE k = 'nan'") == "NaN");
  CHECK(db.value<std::string>("SELECT i::text || ' ' || u::text FROM big") ==
        "-9223372036854775808 18446744073709551615");
}
