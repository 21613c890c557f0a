// The per-transaction accounting: ids, one byte per transfer, and the match with the ledger.
#include "outcome_book.hpp"

#include <catch2/catch.hpp>

using namespace stress;
using actortx::tx_state;

TEST_CASE("ids are dense per client, unique over clients, and start at 1", "[unit]") {
  outcome_book book{3};
  CHECK(book.issue(0) == 1);
  CHECK(book.issue(1) == 2);
  CHECK(book.issue(2) == 3);
  CHECK(book.issue(0) == 4);
  CHECK(book.issued() == 4);
  CHECK(book.max_id() == 6);
  CHECK(book.was_issued(4));
  CHECK_FALSE(book.was_issued(5));  // client 1 did one transfer only
  CHECK_FALSE(book.was_issued(0));
}

TEST_CASE("COMMITTED needs exactly one ledger row, the others none", "[unit]") {
  outcome_book book{2};
  for (int i = 0; i < 6; ++i) book.issue(i % 2);
  book.record(1, tx_state::committed);    // one row: fine
  book.record(2, tx_state::committed);    // no row: mismatch
  book.record(3, tx_state::timeout);      // a row: mismatch (the issue's TIMEOUT that committed)
  book.record(4, tx_state::rolled_back);  // none: fine
  book.record(5, tx_state::in_doubt);     // a row: fine, counted as committed
  book.record(6, tx_state::in_doubt);     // none: fine
  for (int64_t id : {1, 3, 5}) CHECK(book.add_row(id));
  auto a = check_accounting(book);
  CHECK(a.checked == 6);
  CHECK(a.committed == 2);
  CHECK(a.timeout == 1);
  CHECK(a.rolled_back == 1);
  CHECK(a.in_doubt_committed == 1);
  CHECK(a.in_doubt_not_committed == 1);
  CHECK(a.mismatches == 2);
  REQUIRE(a.examples.size() == 2);
  CHECK(a.examples[0] == "tx 2: COMMITTED, but 0 ledger rows");
  CHECK(a.examples[1] == "tx 3: TIMEOUT, but 1 ledger row");
  CHECK_FALSE(a.ok());
}

TEST_CASE("a transfer applied twice, and a row of an unknown id, are mismatches", "[unit]") {
  outcome_book book{1};
  book.issue(0);
  book.record(1, tx_state::committed);
  book.add_row(1);
  book.add_row(1);
  CHECK_FALSE(book.add_row(99));
  auto a = check_accounting(book);
  CHECK(a.mismatches == 2);
  CHECK(a.examples.at(0) == "tx 1: COMMITTED, but 2 ledger rows");
  CHECK(a.examples.at(1) == "1 ledger row(s) with an id no transfer was given");
}

TEST_CASE("the row count saturates and never disturbs the outcome", "[unit]") {
  outcome_book book{1};
  book.issue(0);
  book.record(1, tx_state::failed);
  for (int i = 0; i < 40; ++i) book.add_row(1);
  CHECK(book.rows(1) == 15);
  CHECK(book.outcome(1) == booked::failed);
  book.record(1, tx_state::committed);
  CHECK(book.rows(1) == 15);
  CHECK(check_accounting(book).examples.at(0) == "tx 1: COMMITTED, but 15 or more ledger rows");
}

TEST_CASE("misreporting one outcome makes a clean book fail the check", "[unit]") {
  outcome_book book{2};
  for (int i = 0; i < 4; ++i) {
    auto id = book.issue(i % 2);
    book.record(id, id == 1 ? tx_state::rolled_back : tx_state::committed);
    if (id != 1) book.add_row(id);
  }
  REQUIRE(check_accounting(book).ok());
  booked was = booked::none;
  CHECK(book.misreport_one(was) == 2);
  CHECK(was == booked::committed);
  CHECK(book.outcome(2) == booked::timeout);
  CHECK(check_accounting(book).mismatches == 1);
}

TEST_CASE("the examples are capped, the count is not", "[unit]") {
  outcome_book book{1};
  for (int i = 0; i < 50; ++i) book.record(book.issue(0), tx_state::committed);
  auto a = check_accounting(book, 10);
  CHECK(a.mismatches == 50);
  CHECK(a.examples.size() == 10);
}
