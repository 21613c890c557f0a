// Typed rows against a real server: a script's result_set and a body's pqxx rows read into C++
// values, tuples and structs, and conversion errors that name what the server really sent.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/rows.hpp>
#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

struct account {
  int32_t id = 0;
  std::string owner;
  int64_t balance = 0;
  std::optional<std::string> note;
};

/// Everything a body read, returned to the test's thread (Catch checks only there).
struct body_reads {
  std::vector<account> by_name;
  std::vector<account> by_position;
  std::vector<std::tuple<std::string, int64_t>> pairs;
  std::vector<int> ids;
  int64_t total = 0;
  std::string vip_note;
  bool first_note_null = false;
  std::tuple<int32_t, std::string> first_as_tuple;
};

/// What reading throws, as text ("" when it does not throw).
template <class F>
std::string error_of(F read) {
  try {
    read();
  } catch (const row_error& e) {
    return e.what();
  }
  return "";
}

/// Values the server writes in its own spellings: NaN, -Infinity, huge and negative numbers,
/// numeric beyond a double's digits, non-ASCII text, a timestamp; and a row of NULLs.
void create_samples(test::test_schema& db) {
  db.exec(
      "CREATE TABLE sample(id int PRIMARY KEY, big bigint, amount numeric(30, 9), ratio float8, "
      "active bool, label text, at timestamp)");
  db.exec(
      "INSERT INTO sample VALUES "
      "(1, 9223372036854775807, 12345678901234567890.123456789, 'NaN', true, 'zoë', "
      "'2024-02-29 12:34:56.789'), "
      "(2, NULL, NULL, NULL, NULL, NULL, NULL), "
      "(3, -9223372036854775808, -0.5, '-Infinity', false, '', '1999-12-31 23:59:59')");
}

}  // namespace

TEST_CASE("A script's rows read as typed values from a real server", "[pg][rows]") {
  test::test_schema db;
  create_samples(db);
  runtime rt{test::test_config(db)};
  tx_script script;
  script.add("SELECT id, big, amount, ratio, active, label, at FROM sample ORDER BY id");
  script.add("SELECT count(*) AS n FROM sample WHERE ratio = $1",
             std::numeric_limits<double>::quiet_NaN());
  const auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  REQUIRE(out.committed());
  const result_set& rs = out.results[0];
  REQUIRE(rows(rs).size() == 3);

  const auto first = rows(rs)[0];
  CHECK(first.get<int32_t>("id") == 1);
  CHECK(first.get<int64_t>("big") == std::numeric_limits<int64_t>::max());
  CHECK(first.get<std::string>("amount") == "12345678901234567890.123456789");
  CHECK(first.get<double>("amount") == 12345678901234567890.123456789);
  CHECK(std::isnan(first.get<double>("ratio")));
  CHECK(first.get<bool>("active"));
  CHECK(first.get<std::string>("label") == "zoë");
  CHECK(first.get<std::string>("at") == "2024-02-29 12:34:56.789");

  const auto [id, big, amount, ratio, active, label, at] =
      rows(rs)[1]
          .to_tuple<int, std::optional<int64_t>, std::optional<double>, std::optional<double>,
                    std::optional<bool>, std::optional<std::string>, std::optional<std::string>>();
  CHECK(id == 2);
  CHECK_FALSE(big);
  CHECK_FALSE(amount);
  CHECK_FALSE(ratio);
  CHECK_FALSE(active);
  CHECK_FALSE(label);
  CHECK_FALSE(at);

  const auto third = rows(rs)[2];
  CHECK(third.get<int64_t>("big") == std::numeric_limits<int64_t>::min());
  CHECK(third.get<std::string>("amount") == "-0.500000000");
  CHECK(third.get<double>("amount") == -0.5);
  CHECK(third.get<double>("ratio") == -std::numeric_limits<double>::infinity());
  CHECK_FALSE(third.get<bool>("active"));
  CHECK(third.get<std::optional<std::string>>("label") == std::string{});  // '' is not NULL

  CHECK(column_as<int>(rs, "id") == std::vector<int>{1, 2, 3});
  CHECK(single<int64_t>(out.results[1]) == 1);  // NaN = NaN in PostgreSQL's float8
}

TEST_CASE("A body's pqxx rows map to structs and tuples", "[pg][rows]") {
  test::test_schema db;
  db.exec(
      "CREATE TABLE account(id int PRIMARY KEY, owner text NOT NULL, balance bigint, note text)");
  db.exec("INSERT INTO account VALUES (1, 'ann', 100, NULL), (2, 'bob', 250, 'vip')");
  runtime rt{test::test_config(db)};
  const auto account_columns = by_name("note", &account::note, "id", &account::id, "owner",
                                       &account::owner, "balance", &account::balance);

  auto r = rt.transact(rt.default_options(), [&](tx& t) {
    body_reads got;
    const pqxx::result all = t.exec("SELECT id, owner, balance, note FROM account ORDER BY id");
    got.by_name = actortx::rows_to(all, account_columns);
    got.by_position =
        actortx::rows_to<account, int32_t, std::string, int64_t, std::optional<std::string>>(all);
    got.pairs = actortx::rows_as<std::string, int64_t>(
        t.exec("SELECT owner, balance FROM account ORDER BY id"));
    got.ids = actortx::column_as<int>(all, "id");
    got.total = actortx::single<int64_t>(t.exec("SELECT sum(balance)::bigint FROM account"));
    got.vip_note = actortx::get<std::string>(all[1], "note");
    got.first_note_null = actortx::is_null(all[0], 3);
    got.first_as_tuple = actortx::to_tuple<int32_t, std::string>(
        t.exec("SELECT id, owner FROM account WHERE id = $1", 1)[0]);
    return got;
  });
  INFO(describe(r.outcome));
  REQUIRE(r.committed());
  const body_reads& got = r.value();
  REQUIRE(got.by_name.size() == 2);
  CHECK(got.by_name[0].id == 1);
  CHECK(got.by_name[0].owner == "ann");
  CHECK(got.by_name[0].balance == 100);
  CHECK(got.by_name[0].note == std::nullopt);
  CHECK(got.by_name[1].note == std::optional<std::string>{"vip"});
  REQUIRE(got.by_position.size() == 2);
  CHECK(got.by_position[1].owner == "bob");
  CHECK(got.by_position[1].balance == 250);
  CHECK(got.pairs == std::vector<std::tuple<std::string, int64_t>>{{"ann", 100}, {"bob", 250}});
  CHECK(got.ids == std::vector<int>{1, 2});
  CHECK(got.total == 350);
  CHECK(got.vip_note == "vip");
  CHECK(got.first_note_null);
  CHECK(got.first_as_tuple == std::make_tuple(int32_t{1}, std::string{"ann"}));
}

TEST_CASE("Conversion errors from real server values say the same for scripts and bodies",
          "[pg][rows]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string sql =
      "SELECT v AS small, NULL::int AS missing, 1e300::float8 AS huge, 'maybe'::text AS flag, "
      "12.5::numeric AS amount FROM (VALUES (1), (300)) AS t(v) ORDER BY v";
  tx_script script;
  script.add(sql);
  const auto out = rt.transact(rt.default_options(), script);
  INFO(describe(out));
  REQUIRE(out.committed());
  const auto row = rows(out.results[0])[1];
  const std::vector<std::string> from_script{
      error_of([&] { row.get<int8_t>("small"); }),
      error_of([&] { row.get<int>("missing"); }),
      error_of([&] { row.get<float>("huge"); }),
      error_of([&] { row.get<bool>("flag"); }),
      error_of([&] { row.get<int64_t>("amount"); }),
      error_of([&] { row.get<int>("nope"); }),
      error_of([&] { row.get<int>(5); }),
      error_of([&] { column_as<int8_t>(out.results[0], "small"); }),
      error_of([&] { single<int>(out.results[0]); })};
  CHECK(from_script ==
        std::vector<std::string>{
            "row 1, column 0 \"small\": cannot read \"300\" as int8_t: out of "
            "range -128..127",
            "row 1, column 1 \"missing\": cannot read NULL as int32_t (read it as "
            "std::optional<int32_t>)",
            "row 1, column 2 \"huge\": cannot read \"1e+300\" as float: out of range",
            "row 1, column 3 \"flag\": cannot read \"maybe\" as bool: not t, f, "
            "true or false",
            "row 1, column 4 \"amount\": cannot read \"12.5\" as int64_t: not an "
            "integer",
            "row 1: no column \"nope\"; the columns are: small, missing, huge, "
            "flag, amount",
            "row 1: no column 5; the row has 5 columns: small, missing, huge, flag, "
            "amount",
            "row 1, column 0 \"small\": cannot read \"300\" as int8_t: out of "
            "range -128..127",
            "single<int32_t>: expected 1 row with 1 column, got 2 rows with 5 "
            "columns: small, missing, huge, flag, amount"});

  // The same reads of the same query's pqxx rows in a body give the same texts.
  auto r = rt.transact(rt.default_options(), [&](tx& t) {
    const pqxx::result res = t.exec(sql);
    const pqxx::row second = res[1];
    return std::vector<std::string>{error_of([&] { actortx::get<int8_t>(second, "small"); }),
                                    error_of([&] { actortx::get<int>(second, "missing"); }),
                                    error_of([&] { actortx::get<float>(second, "huge"); }),
                                    error_of([&] { actortx::get<bool>(second, "flag"); }),
                                    error_of([&] { actortx::get<int64_t>(second, "amount"); }),
                                    error_of([&] { actortx::get<int>(second, "nope"); }),
                                    error_of([&] { actortx::get<int>(second, 5); }),
                                    error_of([&] { actortx::column_as<int8_t>(res, "small"); }),
                                    error_of([&] { actortx::single<int>(res); })};
  });
  INFO(describe(r.outcome));
  REQUIRE(r.committed());
  CHECK(r.value() == from_script);
}

TEST_CASE("A conversion error a body does not catch fails the transaction with its text",
          "[pg][rows]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(v int)");
  runtime rt{test::test_config(db)};
  const auto out = rt.transact(rt.default_options(), [](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    (void)actortx::rows_as<uint8_t>(t.exec("SELECT -1 AS v"));
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::body_failed);
  CHECK(out.message == "row 0, column 0 \"v\": cannot read \"-1\" as uint8_t: out of range 0..255");
  CHECK(db.value<int64_t>("SELECT count(*) FROM t") == 0);
}
