// How log lines name a transaction, and the check of a caller's saga id on tx_options.
#include "runtime/policy/tx_name.hpp"

#include <spdlog/fmt/fmt.h>

#include <string>

#include <catch2/catch.hpp>

#include "actors/supervisor/request_check.hpp"

using namespace actortx;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("a log line names a transaction by id and label, and its saga when it has one",
          "[unit]") {
  tx_options opts;
  opts.label = "transfer/debit";
  CHECK(to_string(name_of(12, opts)) == "tx 12 [transfer/debit]");
  opts.saga_id = "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2";
  CHECK(to_string(name_of(12, opts)) ==
        "tx 12 [transfer/debit] saga 3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2");
  // A request refused before it had an id.
  CHECK(to_string(name_of(0, opts)) ==
        "[transfer/debit] saga 3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2");
  CHECK(to_string(tx_name{7, "", ""}) == "tx 7 []");
  // As spdlog formats it inside a line.
  CHECK(fmt::format("{} committed after {} attempt(s)", name_of(12, opts), 1) ==
        "tx 12 [transfer/debit] saga 3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2 committed after 1 "
        "attempt(s)");
}

TEST_CASE("a saga id set by the caller must be one that saga ids may be", "[unit]") {
  tx_options opts;
  opts.saga_id = "order-42:retry.1";
  CHECK(check_options(opts).empty());
  opts.saga_id.clear();
  CHECK(check_options(opts).empty());  // no saga
  opts.saga_id = "two\nlines";
  CHECK_THAT(check_options(opts), StartsWith("tx_options.saga_id: ") && Contains("may only"));
  opts.saga_id = std::string(129, 'a');
  CHECK_THAT(check_options(opts), StartsWith("tx_options.saga_id: ") && Contains("128"));
}
