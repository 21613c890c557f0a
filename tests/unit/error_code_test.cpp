#include <string>
#include <system_error>

#include <catch2/catch.hpp>

#include <actortx/saga_outcome.hpp>
#include <actortx/tx_outcome.hpp>
#include <actortx/tx_result.hpp>

using namespace actortx;

TEST_CASE("an errc is a std::error_code of category actortx with a sentence for people", "[unit]") {
  std::error_code ec = errc::timeout;
  CHECK(ec == errc::timeout);
  CHECK(ec != errc::pool_exhausted);
  CHECK(ec.category().name() == std::string{"actortx"});
  CHECK(ec.message() == "the deadline passed");
  CHECK(&ec.category() == &error_category());
  CHECK_FALSE(std::error_code{errc::none});
  CHECK(std::error_code{errc::none}.message() == "no error");
  CHECK(make_error_code(errc::cancelled).message() == "cancelled by the caller");
  CHECK(error_category().message(9999) == "unknown actortx error 9999");
  // Every code has its own sentence.
  for (int c = 1; c <= static_cast<int>(errc::cancelled); ++c) {
    INFO(to_string(static_cast<errc>(c)));
    CHECK(error_category().message(c).find("unknown actortx error") == std::string::npos);
    CHECK(error_category().message(c) != error_category().message(c - 1));
  }
}

namespace {

tx_outcome outcome(tx_state s, errc c, std::string message = {}) {
  tx_outcome o;
  o.id = 7;
  o.label = "transfer";
  o.state = s;
  o.code = c;
  o.message = std::move(message);
  return o;
}

}  // namespace

TEST_CASE("throw_if_failed throws tx_error carrying the outcome unless it committed", "[unit]") {
  CHECK_NOTHROW(outcome(tx_state::committed, errc::none).throw_if_failed());
  auto failed = outcome(tx_state::failed, errc::sql_error, "duplicate key");
  failed.sqlstate = "23505";
  try {
    failed.throw_if_failed();
    FAIL("no exception");
  } catch (const tx_error& e) {
    CHECK(e.code() == errc::sql_error);
    CHECK(e.state() == tx_state::failed);
    CHECK(e.outcome().sqlstate == "23505");
    const std::string what = e.what();
    CHECK(what.find("transfer: FAILED (sql_error, SQLSTATE 23505): duplicate key") == 0);
  }
  // Nothing committed: a rollback or a cancel throws too, and IN_DOUBT of course.
  CHECK_THROWS_AS(outcome(tx_state::rolled_back, errc::rolled_back).throw_if_failed(), tx_error);
  CHECK_THROWS_AS(outcome(tx_state::in_doubt, errc::commit_in_doubt).throw_if_failed(), tx_error);
  CHECK_THROWS_AS(outcome(tx_state::timeout, errc::timeout).throw_if_failed(), std::system_error);
}

TEST_CASE("a joined call is ok when its savepoint was released and throws when rolled back to",
          "[unit]") {
  auto released = outcome(tx_state::running, errc::none);
  released.joined = true;
  CHECK(released.ok());
  CHECK_FALSE(released.committed());
  CHECK_NOTHROW(released.throw_if_failed());
  auto rolled = outcome(tx_state::running, errc::sql_error, "division by zero");
  rolled.joined = true;
  CHECK_FALSE(rolled.ok());
  try {
    rolled.throw_if_failed();
    FAIL("no exception");
  } catch (const tx_error& e) {
    CHECK(std::string{e.what()}.find("transfer: savepoint rolled back (sql_error)") == 0);
  }
}

TEST_CASE("tx_result gives its value only when committed with one", "[unit]") {
  tx_result<int> ok;
  ok.outcome = outcome(tx_state::committed, errc::none);
  ok.result = 42;
  CHECK(ok);
  CHECK(ok.value() == 42);
  CHECK(std::move(ok).value() == 42);

  tx_result<int> failed;
  failed.outcome = outcome(tx_state::timeout, errc::timeout, "deadline reached");
  CHECK_FALSE(failed);
  CHECK_THROWS_MATCHES(failed.value(), tx_error,
                       Catch::Matchers::Predicate<tx_error>(
                           [](const tx_error& e) { return e.code() == errc::timeout; }));

  // Committed earlier under its idempotency key: COMMITTED, but the body did not run.
  tx_result<int> dedup;
  dedup.outcome = outcome(tx_state::committed, errc::none);
  dedup.outcome.deduplicated = true;
  CHECK_FALSE(dedup);
  CHECK(dedup.committed());
  CHECK_THROWS_WITH(dedup.value(), Catch::Matchers::Contains("no value"));
}

TEST_CASE("saga_outcome::throw_if_failed names type, id and state", "[unit]") {
  saga_outcome o;
  o.id = "3f0c";
  o.type = "order";
  o.state = saga_state::compensated;
  o.code = errc::sql_error;
  o.message = "step reserve: 23514";
  try {
    o.throw_if_failed();
    FAIL("no exception");
  } catch (const saga_error& e) {
    CHECK(e.code() == errc::sql_error);
    CHECK(std::string{e.what()}.find("saga order 3f0c: COMPENSATED (sql_error): step reserve") ==
          0);
    CHECK(e.outcome().state == saga_state::compensated);
  }
  o.state = saga_state::committed;
  o.code = errc::none;
  CHECK_NOTHROW(o.throw_if_failed());
}
