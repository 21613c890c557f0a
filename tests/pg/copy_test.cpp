// tx::copy_from / tx::copy_to against a real PostgreSQL: escaping, NULLs, errors, rollback.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

using rows_t = std::vector<std::vector<sql_value>>;

/// Texts that COPY's text format must escape or keep apart: its delimiter, newlines, its
/// escape character, its NULL marker spelled as data, its end-of-data marker, quotes,
/// multibyte UTF-8, control bytes; NULL and the empty string are different values.
const std::vector<std::optional<std::string>>& tricky_texts() {
  static const std::vector<std::optional<std::string>> texts{std::nullopt,
                                                             std::string{},
                                                             "tab\there",
                                                             "new\nline",
                                                             "carriage\rreturn\r\n",
                                                             "back\\slash",
                                                             "ends with a backslash\\",
                                                             "\\N",
                                                             "\\.",
                                                             "\\x41 and \\101 are not escapes here",
                                                             "quotes ' \" `",
                                                             "unicode: Grüße, Ελληνικά, 日本語, 🎉",
                                                             "controls \x01\x07\b\f\v\x1f\x7f",
                                                             "  spaces around  ",
                                                             "NULL"};
  return texts;
}

/// Doubles with their own spellings: NaN and the infinities, negative zero, extremes.
const std::vector<double>& tricky_doubles() {
  static const std::vector<double> values{std::nan(""), HUGE_VAL, -HUGE_VAL, -0.0,
                                          0.1,          1e308,    5e-324,    -123456.789};
  return values;
}

sql_value text_value(size_t i) {
  const auto& t = tricky_texts()[i % tricky_texts().size()];
  if (!t) return sql_value::null();
  // Every other round through the list, the text goes with a suffix: alone and inside.
  const bool alone = (i / tricky_texts().size()) % 2 == 0;
  return sql_value::of(*t + (alone ? std::string{} : " #" + std::to_string(i)));
}

/// Row i of the round trip: id, a tricky text, a tricky double (or NULL), a bool (or NULL).
std::vector<sql_value> tricky_row(size_t i) {
  const auto& d = tricky_doubles();
  return {sql_value::of(static_cast<int64_t>(i)), text_value(i),
          i % 11 == 0 ? sql_value::null() : sql_value::of(d[i % d.size()]),
          i % 7 == 0 ? sql_value::null() : sql_value::of(i % 2 == 0)};
}

bool same_double(const sql_value& expected, const sql_value& got) {
  if (expected.is_null || got.is_null) return expected.is_null == got.is_null;
  const double a = std::strtod(expected.text.c_str(), nullptr);
  const double b = std::strtod(got.text.c_str(), nullptr);
  if (std::isnan(a)) return std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

/// COPY writes booleans as t / f.
sql_value as_copied_bool(const sql_value& v) {
  if (v.is_null) return v;
  return sql_value::of(std::string{v.text == "true" ? "t" : "f"});
}

rows_t ids(int from, int to) {
  rows_t rows;
  for (int i = from; i <= to; ++i) rows.push_back({sql_value::of(i)});
  return rows;
}

}  // namespace

TEST_CASE("copy_from and copy_to round-trip 10000 rows of NULLs and special characters", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE src(id bigint PRIMARY KEY, t text, f float8, b bool)");
  runtime rt{test::test_config(db)};
  constexpr size_t n = 10000;
  rows_t rows;
  for (size_t i = 0; i < n; ++i) rows.push_back(tricky_row(i));

  uint64_t counted = 0;
  auto copied = rt.transact([&](tx& t) {
    auto k = t.copy_from("src", {"id", "t", "f", "b"}, rows);
    counted = t.rows();
    return k;
  });
  INFO(describe(copied.outcome));
  REQUIRE(copied.committed());
  CHECK(copied.value() == n);
  CHECK(counted == n);

  // What the server stored, read without copy_to: the text column byte for byte.
  auto stored = db.exec("SELECT id, t, f::text, b FROM src ORDER BY id");
  REQUIRE(stored.size() == n);
  size_t text_mismatches = 0, double_mismatches = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& row = stored[static_cast<int>(i)];
    const sql_value t = row[1].is_null() ? sql_value::null() : sql_value::of(row[1].c_str());
    const sql_value f = row[2].is_null() ? sql_value::null() : sql_value::of(row[2].c_str());
    if (!(t == rows[i][1])) ++text_mismatches;
    if (!same_double(rows[i][2], f)) ++double_mismatches;
  }
  CHECK(text_mismatches == 0);
  CHECK(double_mismatches == 0);
  CHECK(db.value<long>("SELECT count(*) FROM src WHERE t IS NULL") ==
        db.value<long>("SELECT count(*) FROM src WHERE id % 15 = 0"));
  CHECK(db.value<long>("SELECT count(*) FROM src WHERE t = '\\N'") == 334);

  // copy_to hands back the same values, in the table's column order.
  rows_t back;
  auto read = rt.transact([&](tx& t) {
    return t.copy_to("src", {}, [&](const std::vector<sql_value>& r) { back.push_back(r); });
  });
  INFO(describe(read.outcome));
  REQUIRE(read.committed());
  CHECK(read.value() == n);
  REQUIRE(back.size() == n);
  std::sort(back.begin(), back.end(), [](const auto& a, const auto& b) {
    return std::stoll(a[0].text) < std::stoll(b[0].text);
  });
  size_t mismatches = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& e = rows[i];
    const auto& g = back[i];
    if (g.size() != 4 || !(g[0] == e[0]) || !(g[1] == e[1]) || !same_double(e[2], g[2]) ||
        !(g[3] == as_copied_bool(e[3]))) {
      if (mismatches++ < 5) FAIL_CHECK("row " << i << " differs");
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("copy_from takes tuples with std::optional as NULL and no column list as all", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE item(id int PRIMARY KEY, name text, price numeric, qty int)");
  runtime rt{test::test_config(db)};
  using row = std::tuple<int, std::string, std::optional<double>, std::optional<int>>;
  const std::vector<row> rows{
      {1, "apple", 0.25, 10}, {2, "no price", std::nullopt, 3}, {3, "", 12.5, std::nullopt}};
  auto out = rt.transact([&](tx& t) {
    return t.copy_from("item", {"id", "name", "price", "qty"}, rows);
  });
  INFO(describe(out.outcome));
  REQUIRE(out.committed());
  CHECK(out.value() == 3);
  // No columns named: every column, in table order.
  auto all = rt.transact([](tx& t) {
    return t.copy_from(
        "item", {},
        rows_t{{sql_value::of(4), sql_value::of("all"), sql_value::null(), sql_value::of(7)}});
  });
  INFO(describe(all.outcome));
  REQUIRE(all.committed());
  CHECK(db.value<std::string>("SELECT string_agg(concat_ws('|', id, quote_nullable(name), "
                              "quote_nullable(price), quote_nullable(qty)), ';' ORDER BY id) "
                              "FROM item") ==
        "1|'apple'|'0.25'|'10';2|'no price'|NULL|'3';3|''|'12.5'|NULL;4|'all'|NULL|'7'");
}

TEST_CASE("a duplicate key in copied rows fails the transaction with 23505 and copies nothing",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  auto rows = ids(1, 500);
  rows.push_back({sql_value::of(250)});
  bool went_on = false;
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO t VALUES (1000)");
    t.copy_from("t", {"id"}, rows);
    went_on = true;
  });
  INFO(describe(out));
  CHECK(out.state == tx_state::failed);
  CHECK(out.sqlstate == "23505");
  CHECK(out.attempts == 1);
  CHECK(out.message.find("duplicate key") != std::string::npos);
  CHECK_FALSE(went_on);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);

  auto bad_value = rt.transact([&](tx& t) {
    t.copy_from("t", {"id"}, rows_t{{sql_value::of(1)}, {sql_value::of("not a number")}});
  });
  INFO(describe(bad_value));
  CHECK(bad_value.state == tx_state::failed);
  CHECK(bad_value.sqlstate == "22P02");
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}

TEST_CASE("bad names and ragged rows are std::invalid_argument before any SQL is sent", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int, name text)");
  runtime rt{test::test_config(db)};
  std::vector<std::string> errors;
  auto expect_rejected = [&](const std::function<void()>& call) {
    try {
      call();
      errors.push_back("(accepted)");
    } catch (const std::invalid_argument& e) {
      errors.push_back(e.what());
    }
  };
  const rows_t one{{sql_value::of(1), sql_value::of("a")}};
  auto out = rt.transact([&](tx& t) {
    expect_rejected([&] { t.copy_from("t; DROP TABLE t", {"id", "name"}, one); });
    expect_rejected([&] { t.copy_from("t", {"id", "name\"--"}, one); });
    expect_rejected([&] { t.copy_from("a.b.t", {"id", "name"}, one); });
    expect_rejected([&] { t.copy_from("t", {"id", "name"}, rows_t{{sql_value::of(1)}}); });
    expect_rejected([&] { t.copy_to("1t", {}, [](const std::vector<sql_value>&) {}); });
    expect_rejected([&] { t.copy_to("t", {""}, [](const std::vector<sql_value>&) {}); });
    // Had any of them reached the server, its error would have aborted the transaction.
    t.copy_from("t", {"id", "name"}, one);
  });
  INFO(describe(out));
  CHECK(out.committed());
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].find("table name \"t; DROP TABLE t\" is invalid") != std::string::npos);
  CHECK(errors[1].find("column name \"name\"--\" is invalid") != std::string::npos);
  CHECK(errors[2].find("table name \"a.b.t\" is invalid") != std::string::npos);
  CHECK(errors[3].find("row 0 has 1 value(s), expected 2") != std::string::npos);
  CHECK(errors[4].find("table name \"1t\" is invalid") != std::string::npos);
  CHECK(errors[5].find("column name \"\" is invalid") != std::string::npos);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a copy in a rolled back nested block or body leaves nothing", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  nested_result undone, duplicate;
  auto out = rt.transact([&](tx& t) {
    t.copy_from("t", {"id"}, ids(1, 100));
    undone = t.nested([](tx& n) {
      n.copy_from("t", {"id"}, ids(101, 200));
      throw rollback("undo the second load");
    });
    duplicate = t.nested([](tx& n) {
      auto rows = ids(201, 300);
      rows.push_back({sql_value::of(100)});  // copied by the outer block already
      n.copy_from("t", {"id"}, rows);
    });
    t.copy_from("t", {"id"}, ids(301, 310));
  });
  INFO(describe(out));
  REQUIRE(out.committed());
  CHECK_FALSE(undone);
  CHECK(undone.message == "undo the second load");
  CHECK_FALSE(duplicate);
  CHECK(duplicate.sqlstate == "23505");
  CHECK(db.value<std::string>("SELECT min(id) || '-' || max(id) || ':' || count(*) FROM t "
                              "WHERE id <= 100") == "1-100:100");
  CHECK(db.value<long>("SELECT count(*) FROM t WHERE id > 100") == 10);

  auto rolled_back = rt.transact([](tx& t) {
    t.copy_from("t", {"id"}, ids(1000, 1999));
    throw rollback("changed my mind");
  });
  CHECK(rolled_back.state == tx_state::rolled_back);
  CHECK(db.value<long>("SELECT count(*) FROM t WHERE id >= 1000") == 0);
}

TEST_CASE("copy_to reads the columns named in the order given from a schema-qualified table",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE items(id int, \"order\" int, name text, note text)");
  db.exec("INSERT INTO items VALUES (1, 10, 'one', NULL), (2, 20, 'two', 'x')");
  runtime rt{test::test_config(db)};
  std::vector<std::vector<sql_value>> got;
  auto out = rt.transact([&](tx& t) {
    // Names fold to lower case as unquoted SQL names do; "order" is a keyword but a name here.
    return t.copy_to(db.name() + ".Items", {"note", "NAME", "order"},
                     [&](const std::vector<sql_value>& r) { got.push_back(r); });
  });
  INFO(describe(out.outcome));
  REQUIRE(out.committed());
  CHECK(out.value() == 2);
  std::sort(got.begin(), got.end(),
            [](const auto& a, const auto& b) { return a[2].text < b[2].text; });
  const std::vector<std::vector<sql_value>> expected{
      {sql_value::null(), sql_value::of("one"), sql_value::of("10")},
      {sql_value::of("x"), sql_value::of("two"), sql_value::of("20")}};
  CHECK(got == expected);
}

TEST_CASE("a copy_to callback that throws fails only its nested block", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  db.exec("INSERT INTO t SELECT generate_series(1, 5000)");
  runtime rt{test::test_config(db)};
  int seen = 0;
  nested_result stopped;
  auto out = rt.transact([&](tx& t) {
    stopped = t.nested([&](tx& n) {
      n.copy_to("t", {"id"}, [&](const std::vector<sql_value>&) {
        if (++seen == 10) throw std::runtime_error("enough rows");
      });
    });
    // The connection has left COPY mode: statements run on.
    return t.query_value<long>("SELECT count(*) FROM t");
  });
  INFO(describe(out.outcome));
  REQUIRE(out.committed());
  CHECK(out.value() == 5000);
  CHECK(seen == 10);
  CHECK_FALSE(stopped);
  CHECK(stopped.message == "enough rows");
}
