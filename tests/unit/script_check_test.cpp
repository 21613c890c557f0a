#include "runtime/policy/script_check.hpp"

#include <catch2/catch.hpp>

using namespace actortx;

TEST_CASE("placeholders are found outside literals, identifiers and comments", "[unit]") {
  CHECK(highest_placeholder("UPDATE t SET v = $1 WHERE id = $2") == 2);
  CHECK(highest_placeholder("SELECT '$3', \"$4\", $1 -- $5\n") == 1);
  CHECK(highest_placeholder("SELECT /* $9 */ $2::int") == 2);
  CHECK(highest_placeholder("SELECT $tag$ $7 $tag$, $$ $8 $$, $1") == 1);
  CHECK(highest_placeholder("SELECT E'it\\'s $6', $1") == 1);
  CHECK(highest_placeholder("SELECT 'it''s $6', $10") == 10);
  CHECK(highest_placeholder("SELECT 1") == 0);
}

TEST_CASE("a well-formed script passes the check", "[unit]") {
  tx_script s;
  s.add("UPDATE account SET balance = balance + $1 WHERE id = $2", 10, 7);
  s.add("SELECT count(*) FROM account");
  CHECK(check_script(s).empty());
}

TEST_CASE("a malformed script is refused naming the statement and the problem", "[unit]") {
  CHECK(check_script(tx_script{}) == "the script has no statements");
  tx_script blank;
  blank.add("SELECT 1");
  blank.add("   ");
  CHECK(check_script(blank) == "statement 2 of 2: the SQL is empty");
  tx_script missing;
  missing.add("UPDATE t SET v = $1 WHERE id = $2", 5);
  CHECK(check_script(missing) == "statement 1 of 1: 1 parameter(s) given, but its SQL uses $1..$2");
  tx_script extra;
  extra.add("SELECT 1", 5);
  CHECK(check_script(extra) == "statement 1 of 1: 1 parameter(s) given, but its SQL uses none");
  tx_script nul;
  nul.add(std::string("SELECT 1\0", 9));
  CHECK(check_script(nul) == "statement 1 of 1: the SQL contains a NUL byte");
}
