// Typed access to a script's rows (<actortx/rows.hpp>): exact conversions, NULLs, rows as
// tuples and structs, and the text of every error. libpqxx rows: tests/pg/typed_rows_test.cpp.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/rows.hpp>

using namespace actortx;

namespace {

sql_value text(std::string s) {
  return sql_value::of(std::move(s));
}

/// id | name | score | active, two rows; the second has a NULL score.
result_set people() {
  result_set rs;
  rs.columns = {"id", "name", "score", "active"};
  rs.rows = {{text("1"), text("ann"), text("2.5"), text("t")},
             {text("300"), text("bob"), sql_value::null(), text("f")}};
  return rs;
}

/// What `read` throws, as text ("" when it does not throw).
template <class F>
std::string error_of(F read) {
  try {
    read();
  } catch (const row_error& e) {
    return e.what();
  }
  return "";
}

struct person {
  int64_t id = 0;
  std::string name;
  std::optional<double> score;
  bool active = false;
};

enum class colour { red, green, blue };

/// rows() of a temporary result_set is deleted: its row_views would dangle.
template <class T, class = void>
struct can_take_rows : std::false_type {};
template <class T>
struct can_take_rows<T, std::void_t<decltype(rows(std::declval<T>()))>> : std::true_type {};
static_assert(can_take_rows<const result_set&>::value);
static_assert(!can_take_rows<result_set>::value);

}  // namespace

namespace pqxx {
PQXX_DECLARE_ENUM_CONVERSION(colour);
}

TEST_CASE("Integers read exactly and refuse what their type cannot hold", "[unit][rows]") {
  CHECK(value_as<int8_t>(text("127")) == 127);
  CHECK(value_as<int8_t>(text("-128")) == -128);
  CHECK(value_as<int64_t>(text("-9223372036854775808")) == std::numeric_limits<int64_t>::min());
  CHECK(value_as<uint64_t>(text("18446744073709551615")) == std::numeric_limits<uint64_t>::max());
  CHECK(value_as<int>(text("-42")) == -42);

  CHECK(error_of([] { value_as<int8_t>(text("300")); }) ==
        "cannot read \"300\" as int8_t: out of range -128..127");
  CHECK(error_of([] { value_as<uint8_t>(text("256")); }) ==
        "cannot read \"256\" as uint8_t: out of range 0..255");
  CHECK(error_of([] { value_as<uint32_t>(text("-1")); }) ==
        "cannot read \"-1\" as uint32_t: out of range 0..4294967295");
  CHECK(error_of([] { value_as<int64_t>(text("9223372036854775808")); }) ==
        "cannot read \"9223372036854775808\" as int64_t: out of range "
        "-9223372036854775808..9223372036854775807");
  CHECK(error_of([] { value_as<int>(text("12.5")); }) ==
        "cannot read \"12.5\" as int32_t: not an integer");
  for (const char* bad : {"", " 1", "1 ", "+1", "1e3", "0x10", "-", "12abc"})
    CHECK_THROWS_AS(value_as<int>(text(bad)), conversion_error);
}

TEST_CASE("Floating point reads PostgreSQL's NaN and infinities", "[unit][rows]") {
  CHECK(std::isnan(value_as<double>(text("NaN"))));
  CHECK(value_as<double>(text("Infinity")) == std::numeric_limits<double>::infinity());
  CHECK(value_as<double>(text("-Infinity")) == -std::numeric_limits<double>::infinity());
  CHECK(std::isinf(value_as<float>(text("-Infinity"))));
  CHECK(value_as<double>(text("0.1")) == 0.1);  // correctly rounded, as the server wrote it
  CHECK(value_as<double>(text("1.5e-10")) == 1.5e-10);
  CHECK(value_as<double>(text("12345.678900")) == 12345.6789);  // numeric's trailing zeros
  CHECK(value_as<long double>(text("2.5")) == 2.5L);
  CHECK(value_as<double>(text("42")) == 42.0);

  CHECK(error_of([] { value_as<float>(text("1e300")); }) ==
        "cannot read \"1e300\" as float: out of range");
  CHECK(error_of([] { value_as<double>(text("abc")); }) ==
        "cannot read \"abc\" as double: not a number");
  CHECK_THROWS_AS(value_as<double>(text("1.5 ")), conversion_error);
}

TEST_CASE("Booleans read the server's t and f and the words true and false", "[unit][rows]") {
  CHECK(value_as<bool>(text("t")));
  CHECK_FALSE(value_as<bool>(text("f")));
  CHECK(value_as<bool>(text("true")));
  CHECK_FALSE(value_as<bool>(text("FALSE")));
  CHECK(error_of([] { value_as<bool>(text("yes")); }) ==
        "cannot read \"yes\" as bool: not t, f, true or false");
  CHECK_THROWS_AS(value_as<bool>(text("1")), conversion_error);
}

TEST_CASE("Text reads as std::string and as a string_view into the result", "[unit][rows]") {
  const auto rs = people();
  const auto row = rows(rs)[0];
  CHECK(row.get<std::string>("name") == "ann");
  const auto view = row.get<std::string_view>("name");
  CHECK(view == "ann");
  CHECK(view.data() == rs.rows[0][1].text.data());  // no copy: valid while rs lives
  CHECK(value_as<std::string>(text("")).empty());   // empty text is not NULL
}

TEST_CASE("NULL reads as nullopt into std::optional and throws into any other type",
          "[unit][rows]") {
  const auto rs = people();
  const auto row = rows(rs)[1];
  CHECK(row.is_null("score"));
  CHECK_FALSE(row.is_null(0));
  CHECK(row.get<std::optional<double>>("score") == std::nullopt);
  CHECK(row.get<std::optional<int64_t>>("id") == 300);
  CHECK(error_of([&] { row.get<double>("score"); }) ==
        "row 1, column 2 \"score\": cannot read NULL as double (read it as "
        "std::optional<double>)");
  CHECK(error_of([] { value_as<std::string>(sql_value::null()); }) ==
        "cannot read NULL as std::string (read it as std::optional<std::string>)");
}

TEST_CASE("A row is read by column index and by name", "[unit][rows]") {
  const auto rs = people();
  const auto row = rows(rs)[1];
  CHECK(row.size() == 4);
  CHECK(row.row_number() == 1);
  CHECK(row.columns() == rs.columns);
  CHECK(row[1].text == "bob");
  CHECK(row["active"].text == "f");
  CHECK(row.index_of("score") == 2);
  CHECK(row.has_column("name"));
  CHECK_FALSE(row.has_column("Name"));  // names match exactly, as the server spells them
  CHECK(row.get<int64_t>(0) == 300);
  CHECK(row.get<int16_t>("id") == 300);
  CHECK_FALSE(row.get<bool>("active"));
}

TEST_CASE("Unknown column names and indexes list the columns there are", "[unit][rows]") {
  const auto rs = people();
  const auto row = rows(rs)[1];
  CHECK(error_of([&] { row.get<int>("ident"); }) ==
        "row 1: no column \"ident\"; the columns are: id, name, score, active");
  CHECK(error_of([&] { row.get<int>(4); }) ==
        "row 1: no column 4; the row has 4 columns: id, name, score, active");
  CHECK(error_of([&] { row["x"]; }) ==
        "row 1: no column \"x\"; the columns are: id, name, score, active");
  CHECK_THROWS_AS(row.is_null(9), column_error);

  result_set empty;
  empty.columns = {"n"};
  CHECK(error_of([&] { column_as<int>(empty, "m"); }) == "no column \"m\"; the columns are: n");
  CHECK(error_of([&] { column_as<int>(empty, 1); }) == "no column 1; the result has 1 column: n");
  CHECK(error_of([&] { column_as<int>(result_set{}, "m"); }) ==
        "no column \"m\"; there are no columns");
  CHECK(error_of([&] { rows(rs)[2]; }) == "no row 2; the result has 2 rows");
}

TEST_CASE("A row reads as a tuple and as a struct by position", "[unit][rows]") {
  const auto rs = people();
  const auto row = rows(rs)[0];
  const auto [id, name, score, active] =
      row.to_tuple<int64_t, std::string, std::optional<double>, bool>();
  CHECK(id == 1);
  CHECK(name == "ann");
  CHECK(score == 2.5);
  CHECK(active);

  const auto p = row.to<person, int64_t, std::string, std::optional<double>, bool>();
  CHECK(p.id == 1);
  CHECK(p.name == "ann");
  CHECK(p.score == 2.5);

  CHECK(error_of([&] { row.to_tuple<int64_t, std::string>(); }) ==
        "row 0: reading 2 columns (int64_t, std::string) from a row of 4 columns: id, name, "
        "score, active");
  // The first column that does not convert is the one reported.
  CHECK(error_of([&] { row.to_tuple<int64_t, int, int, int>(); }) ==
        "row 0, column 1 \"name\": cannot read \"ann\" as int32_t: not an integer");
}

TEST_CASE("A struct reads by column name through by_name", "[unit][rows]") {
  const auto rs = people();
  // Any order, a column left out (active keeps its default), NULL into an optional member.
  const auto columns = by_name("score", &person::score, "name", &person::name, "id", &person::id);
  const auto bob = rows(rs)[1].to(columns);
  CHECK(bob.id == 300);
  CHECK(bob.name == "bob");
  CHECK(bob.score == std::nullopt);
  CHECK_FALSE(bob.active);

  const auto all = rows_to(rs, columns);
  REQUIRE(all.size() == 2);
  CHECK(all[0].score == 2.5);

  const auto missing = by_name("id", &person::id, "email", &person::name);
  CHECK(error_of([&] { rows_to(rs, missing); }) ==
        "no column \"email\"; the columns are: id, name, score, active");
  CHECK(error_of([&] { rows(rs)[0].to(missing); }) ==
        "row 0: no column \"email\"; the columns are: id, name, score, active");
  result_set no_rows;
  no_rows.columns = {"id"};
  CHECK_THROWS_AS(rows_to(no_rows, missing), column_error);  // found before any row is read

  const auto strict = by_name("score", &person::id);
  CHECK(error_of([&] { rows_to(rs, strict); }) ==
        "row 0, column 2 \"score\": cannot read \"2.5\" as int64_t: not an integer");
}

TEST_CASE("Whole results read as tuples and structs and columns and in range-for", "[unit][rows]") {
  const auto rs = people();
  const auto pairs = rows_as<int, std::string, std::optional<double>, bool>(rs);
  REQUIRE(pairs.size() == 2);
  CHECK(std::get<0>(pairs[1]) == 300);
  CHECK(std::get<2>(pairs[1]) == std::nullopt);

  const auto structs = rows_to<person, int64_t, std::string, std::optional<double>, bool>(rs);
  REQUIRE(structs.size() == 2);
  CHECK(structs[1].name == "bob");

  CHECK(column_as<int64_t>(rs, "id") == std::vector<int64_t>{1, 300});
  CHECK(column_as<std::string>(rs, 1) == std::vector<std::string>{"ann", "bob"});
  CHECK(error_of([&] { column_as<int8_t>(rs, "id"); }) ==
        "row 1, column 0 \"id\": cannot read \"300\" as int8_t: out of range -128..127");

  int64_t total = 0;
  size_t seen = 0;
  for (auto row : rows(rs)) {
    total += row.get<int64_t>("id");
    CHECK(row.row_number() == seen++);
  }
  CHECK(total == 301);
  CHECK(rows(rs).size() == 2);
}

TEST_CASE("single reads a one-row one-column result and names any other shape", "[unit][rows]") {
  result_set one;
  one.columns = {"count"};
  one.rows = {{text("42")}};
  CHECK(single<int64_t>(one) == 42);
  CHECK(single<std::string>(result_set{one}) == "42");

  result_set none = one;
  none.rows.clear();
  CHECK(error_of([&] { single<int64_t>(none); }) ==
        "single<int64_t>: expected 1 row with 1 column, got 0 rows with 1 column: count");
  CHECK(error_of([&] { single<int64_t>(people()); }) ==
        "single<int64_t>: expected 1 row with 1 column, got 2 rows with 4 columns: id, name, "
        "score, active");
  result_set null_one = one;
  null_one.rows[0][0] = sql_value::null();
  CHECK(single<std::optional<int64_t>>(null_one) == std::nullopt);
}

TEST_CASE("Conversion errors carry the column and row and type and value", "[unit][rows]") {
  const auto rs = people();
  try {
    rows(rs)[1].get<int8_t>("id");
    FAIL("300 was read as an int8_t");
  } catch (const conversion_error& e) {
    CHECK(e.column() == "id");
    CHECK(e.column_index() == 0);
    CHECK(e.row() == 1);
    CHECK(e.type() == "int8_t");
    CHECK(e.value() == std::optional<std::string>{"300"});
  }
  try {
    rows(rs)[1].get<double>(2);
    FAIL("NULL was read as a double");
  } catch (const conversion_error& e) {
    CHECK(e.value() == std::nullopt);
  }
  try {
    value_as<int>(text("x"));
    FAIL("x was read as an int");
  } catch (const std::invalid_argument& e) {  // every row_error is one
    CHECK(dynamic_cast<const conversion_error*>(&e)->row() == conversion_error::npos);
  }
}

TEST_CASE("Long or odd values are shown escaped and cut at 64 bytes on a character boundary",
          "[unit][rows]") {
  // 63 ASCII bytes, then a two-byte character that would straddle byte 64.
  const std::string long_value = std::string(63, 'a') + "\xC3\xA9" + std::string(30, 'b');
  const auto msg = error_of([&] { value_as<int>(text(long_value)); });
  CHECK(msg == "cannot read \"" + std::string(63, 'a') +
                   "...\" (95 bytes) as int32_t: not an "
                   "integer");

  CHECK(error_of([] { value_as<int>(text("say \"hi\"\n\tback\\slash\x01")); }) ==
        "cannot read \"say \\\"hi\\\"\\n\\tback\\\\slash\\x01\" as int32_t: not an integer");
  try {
    value_as<int>(text(long_value));
  } catch (const conversion_error& e) {
    CHECK(e.value() == std::string(63, 'a'));
  }
}

TEST_CASE("Types libpqxx knows are read through its string_traits with our errors",
          "[unit][rows]") {
  CHECK(value_as<colour>(text("2")) == colour::blue);
  const auto msg = error_of([] { value_as<colour>(text("purple")); });
  CHECK_THAT(msg, Catch::StartsWith("cannot read \"purple\" as colour: "));
}

TEST_CASE("A row of values and column names reads like a result's row", "[unit][rows]") {
  const std::vector<std::string> columns{"k", "v"};
  const std::vector<sql_value> values{text("7"), sql_value::null()};
  const row_view row{values, columns, 12};
  CHECK(row.get<int>("k") == 7);
  CHECK(row.get<std::optional<std::string>>("v") == std::nullopt);
  CHECK(error_of([&] { row.get<std::string>("v"); }) ==
        "row 12, column 1 \"v\": cannot read NULL as std::string (read it as "
        "std::optional<std::string>)");
}
