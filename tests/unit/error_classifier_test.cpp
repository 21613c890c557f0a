// SQLSTATE classification: every table row, COMMIT in doubt, per-transaction overrides.
#include "runtime/policy/error_classifier.hpp"

#include <string>
#include <tuple>

#include <catch2/catch.hpp>

using namespace actortx;

namespace {

std::string name(error_class c) {
  return to_string(c);
}

}  // namespace

TEST_CASE("each SQLSTATE row of the table maps to its class", "[unit]") {
  std::string code;
  error_class expected;
  std::tie(code, expected) = GENERATE(table<std::string, error_class>({
      {"40001", error_class::retry},      // serialization_failure
      {"40P01", error_class::retry},      // deadlock_detected
      {"53000", error_class::retry},      // insufficient_resources
      {"53100", error_class::retry},      // disk_full
      {"53200", error_class::retry},      // out_of_memory
      {"53300", error_class::retry},      // too_many_connections
      {"55P03", error_class::timeout},    // lock_not_available
      {"57014", error_class::timeout},    // query_canceled
      {"40003", error_class::in_doubt},   // statement_completion_unknown
      {"08007", error_class::in_doubt},   // transaction_resolution_unknown
      {"08000", error_class::reconnect},  // connection_exception
      {"08003", error_class::reconnect},  // connection_does_not_exist
      {"08006", error_class::reconnect},  // connection_failure
      {"57P01", error_class::reconnect},  // admin_shutdown
      {"57P02", error_class::reconnect},  // crash_shutdown
      {"57P03", error_class::reconnect},  // cannot_connect_now
      {"22012", error_class::fail_fast},  // division_by_zero
      {"22P02", error_class::fail_fast},  // invalid_text_representation
      {"23505", error_class::fail_fast},  // unique_violation
      {"23503", error_class::fail_fast},  // foreign_key_violation
      {"28P01", error_class::fail_fast},  // invalid_password
      {"42601", error_class::fail_fast},  // syntax_error
      {"42P01", error_class::fail_fast},  // undefined_table
      {"25006", error_class::fail_fast},  // read_only_sql_transaction
      {"25P02", error_class::fail_fast},  // in_failed_sql_transaction
  }));
  CAPTURE(code);
  CHECK(name(classify_sqlstate(code)) == name(expected));
  CHECK(name(classify_sqlstate(code, tx_phase::begin)) == name(expected));
}

TEST_CASE("unknown or malformed SQLSTATEs fail fast", "[unit]") {
  auto code = GENERATE(as<std::string>{}, "XX000", "P0001", "40002", "57000", "57P04", "0A000", "",
                       "4", "ZZ");
  CAPTURE(code);
  CHECK(classify_sqlstate(code) == error_class::fail_fast);
}

TEST_CASE("lower-case SQLSTATEs are classified like upper-case ones", "[unit]") {
  CHECK(classify_sqlstate("40p01") == error_class::retry);
  CHECK(classify_sqlstate("57p01") == error_class::reconnect);
}

TEST_CASE("a connection error during COMMIT is in doubt, not a reconnect", "[unit]") {
  auto code = GENERATE(as<std::string>{}, "08000", "08003", "08006", "57P01", "57P02", "57P03");
  CAPTURE(code);
  CHECK(classify_sqlstate(code, tx_phase::commit) == error_class::in_doubt);
  CHECK(classify_sqlstate(code, tx_phase::body) == error_class::reconnect);
}

TEST_CASE("during COMMIT, server answers other than connection loss keep their class", "[unit]") {
  CHECK(classify_sqlstate("40001", tx_phase::commit) == error_class::retry);
  CHECK(classify_sqlstate("23505", tx_phase::commit) == error_class::fail_fast);
  CHECK(classify_sqlstate("57014", tx_phase::commit) == error_class::timeout);
  CHECK(classify_sqlstate("40003", tx_phase::commit) == error_class::in_doubt);
}

TEST_CASE("a retryable override turns a matching code or class into retry", "[unit]") {
  classification_overrides o;
  o.retryable = {"23505", "22"};
  CHECK(classify_sqlstate("23505", tx_phase::body, o) == error_class::retry);
  CHECK(classify_sqlstate("23503", tx_phase::body, o) == error_class::fail_fast);
  CHECK(classify_sqlstate("22012", tx_phase::body, o) == error_class::retry);
  CHECK(classify_sqlstate("55P03", tx_phase::body, o) == error_class::timeout);
  o.retryable = {"55P03", "xx"};  // a lock timeout worth retrying; classes case-insensitive
  CHECK(classify_sqlstate("55P03", tx_phase::body, o) == error_class::retry);
  CHECK(classify_sqlstate("XX000", tx_phase::body, o) == error_class::retry);
}

TEST_CASE("a retryable override keeps reconnect, which also replaces the connection", "[unit]") {
  classification_overrides o;
  o.retryable = {"08"};
  CHECK(classify_sqlstate("08006", tx_phase::body, o) == error_class::reconnect);
}

TEST_CASE("a not_retryable override turns a matching code or class into fail_fast", "[unit]") {
  classification_overrides o;
  o.not_retryable = {"40P01", "53", "08", "57014"};
  CHECK(classify_sqlstate("40P01", tx_phase::body, o) == error_class::fail_fast);
  CHECK(classify_sqlstate("40001", tx_phase::body, o) == error_class::retry);
  CHECK(classify_sqlstate("53300", tx_phase::body, o) == error_class::fail_fast);
  CHECK(classify_sqlstate("08006", tx_phase::body, o) == error_class::fail_fast);
  CHECK(classify_sqlstate("57014", tx_phase::body, o) == error_class::fail_fast);
}

TEST_CASE("not_retryable wins over retryable", "[unit]") {
  classification_overrides o;
  o.retryable = {"23505"};
  o.not_retryable = {"23"};
  CHECK(classify_sqlstate("23505", tx_phase::body, o) == error_class::fail_fast);
  o.retryable = {"40001"};
  o.not_retryable = {"40001"};
  CHECK(classify_sqlstate("40001", tx_phase::body, o) == error_class::fail_fast);
}

TEST_CASE("overrides never change an in-doubt commit", "[unit]") {
  classification_overrides add;
  add.retryable = {"08", "08007", "40003", "57P01"};
  classification_overrides remove;
  remove.not_retryable = add.retryable;
  for (const auto* o : {&add, &remove}) {
    CHECK(classify_sqlstate("08007", tx_phase::body, *o) == error_class::in_doubt);
    CHECK(classify_sqlstate("40003", tx_phase::body, *o) == error_class::in_doubt);
    CHECK(classify_sqlstate("08006", tx_phase::commit, *o) == error_class::in_doubt);
    CHECK(classify_sqlstate("57P01", tx_phase::commit, *o) == error_class::in_doubt);
  }
}

TEST_CASE("override entries that are neither 2 nor 5 characters match nothing", "[unit]") {
  classification_overrides o;
  o.retryable = {"2", "235", "", "2350"};
  CHECK(classify_sqlstate("23505", tx_phase::body, o) == error_class::fail_fast);
}

TEST_CASE("a lost connection is a reconnect, or in doubt during COMMIT", "[unit]") {
  CHECK(classify_connection_loss(tx_phase::begin) == error_class::reconnect);
  CHECK(classify_connection_loss(tx_phase::body) == error_class::reconnect);
  CHECK(classify_connection_loss(tx_phase::commit) == error_class::in_doubt);
}

TEST_CASE("only retry and reconnect are retryable", "[unit]") {
  CHECK(is_retryable(error_class::retry));
  CHECK(is_retryable(error_class::reconnect));
  CHECK_FALSE(is_retryable(error_class::none));
  CHECK_FALSE(is_retryable(error_class::timeout));
  CHECK_FALSE(is_retryable(error_class::fail_fast));
  CHECK_FALSE(is_retryable(error_class::in_doubt));
}

TEST_CASE("validate accepts SQLSTATEs and classes and names a malformed entry", "[unit]") {
  classification_overrides ok;
  ok.retryable = {"40001", "53", "55p03"};
  ok.not_retryable = {"08"};
  CHECK(validate(ok).empty());
  classification_overrides bad;
  bad.not_retryable = {"40001", "4000"};
  auto msg = validate(bad);
  CHECK(msg.find("not_retryable") != std::string::npos);
  CHECK(msg.find("\"4000\"") != std::string::npos);
  classification_overrides injected;
  injected.retryable = {"40'01"};
  CHECK_FALSE(validate(injected).empty());
}
