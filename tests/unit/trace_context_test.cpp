// W3C traceparents as correlation ids: made, checked, passed on to children; the
// application_name that carries the trace id to the server; log lines and the request check.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/trace_context.hpp>

#include "actors/supervisor/request_check.hpp"
#include "runtime/policy/application_name.hpp"
#include "runtime/policy/tx_name.hpp"

using namespace actortx;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string spec_example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const std::string spec_trace = "4bf92f3577b34da6a3ce929d0e0e4736";

}  // namespace

TEST_CASE("a new traceparent is version 00, valid, sampled and unique", "[unit]") {
  std::set<std::string> traces;
  for (int i = 0; i < 1000; ++i) {
    const auto t = new_traceparent();
    INFO(t);
    REQUIRE(valid_traceparent(t));
    CHECK(t.size() == 55);
    CHECK_THAT(t, StartsWith("00-"));
    CHECK(t.substr(53) == "01");
    traces.insert(trace_id_of(t));
  }
  CHECK(traces.size() == 1000);
}

TEST_CASE("a traceparent is valid only as version 00 in lower-case hex with non-zero ids",
          "[unit]") {
  CHECK(valid_traceparent(spec_example));
  CHECK(traceparent_problem(spec_example).empty());
  CHECK(valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));

  struct bad_case {
    std::string text;
    const char* problem;
  };
  const bad_case bad[] = {
      {"", "55 characters"},
      {spec_example + "-extra", "55 characters"},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "55 characters"},
      {"00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "separated by '-'"},
      {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version ff is invalid"},
      {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "only version 00"},
      {"0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version must be"},
      {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "trace id must be lower-case"},
      {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", "trace id must not be all"},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "parent id must not be all"},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba9 2b7-01", "parent id must be lower"},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x", "flags must be"},
  };
  for (const auto& c : bad) {
    INFO(c.text);
    CHECK_FALSE(valid_traceparent(c.text));
    CHECK_THAT(traceparent_problem(c.text), Contains(c.problem));
    CHECK(trace_id_of(c.text).empty());
  }
}

TEST_CASE("a child traceparent keeps the trace id and flags and gets a new parent id", "[unit]") {
  CHECK(trace_id_of(spec_example) == spec_trace);
  const auto child = child_traceparent(spec_example);
  REQUIRE(valid_traceparent(child));
  CHECK(trace_id_of(child) == spec_trace);
  CHECK(child.substr(53) == "01");
  CHECK(child.substr(36, 16) != spec_example.substr(36, 16));
  const auto unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
  CHECK(child_traceparent(unsampled).substr(53) == "00");
  // Without a valid parent: a trace of its own.
  const auto orphan = child_traceparent("not a traceparent");
  CHECK(valid_traceparent(orphan));
  CHECK(trace_id_of(orphan) != spec_trace);
  // A recovered saga's trace id (all its log keeps) becomes a whole traceparent again.
  const auto resumed = traceparent_of_trace(spec_trace);
  CHECK(valid_traceparent(resumed));
  CHECK(trace_id_of(resumed) == spec_trace);
  CHECK(valid_traceparent(traceparent_of_trace("0000")));
}

TEST_CASE("an attempt's application_name carries the trace id within PostgreSQL's 63 bytes",
          "[unit]") {
  CHECK(attempt_application_name(12, 3, spec_example) == "actortx/12/3/" + spec_trace);
  CHECK(attempt_application_name(12, 3) == "actortx/12/3");
  CHECK(attempt_application_name(12, 3, "00-bad") == "actortx/12/3");
  // Long ids shorten the trace id, never the attempt (the saga log reads it).
  const auto longest = attempt_application_name(UINT64_MAX, UINT32_MAX, spec_example);
  CHECK(longest.size() == application_name_max);
  CHECK_THAT(longest, StartsWith("actortx/18446744073709551615/4294967295/4bf92f"));
  const auto fits = attempt_application_name(1234567890123, 1, spec_example);
  CHECK(fits.size() <= application_name_max);
  CHECK(fits == "actortx/1234567890123/1/" + spec_trace.substr(0, fits.size() - 24));
}

TEST_CASE("a log line names the transaction's trace id in full", "[unit]") {
  tx_options opts;
  opts.label = "transfer";
  opts.correlation_id = spec_example;
  CHECK(to_string(name_of(12, opts)) == "tx 12 [transfer] trace " + spec_trace);
  opts.saga_id = "order-42";
  CHECK(to_string(name_of(12, opts)) == "tx 12 [transfer] saga order-42 trace " + spec_trace);
  // A refused request's correlation id may be anything: it is not written at all.
  opts.correlation_id = "00-\n-forged log line";
  CHECK(to_string(name_of(0, opts)) == "[transfer] saga order-42");
}

TEST_CASE("a malformed correlation id is refused naming the field, quoting at most 64 chars",
          "[unit]") {
  tx_options opts;
  CHECK(check_options(opts).empty());  // none: the runtime makes one
  opts.correlation_id = spec_example;
  CHECK(check_options(opts).empty());
  opts.correlation_id = "00-" + std::string(32, '0') + "-00f067aa0ba902b7-01";
  CHECK_THAT(check_options(opts), StartsWith("tx_options::correlation_id must be") &&
                                      Contains("trace id must not be all zeros"));
  opts.correlation_id = std::string(200, 'x') + "\nsecret tail";
  const auto why = check_options(opts);
  CHECK_THAT(why, StartsWith("tx_options::correlation_id") &&
                      Contains("\"" + std::string(64, 'x') + "\"..."));
  CHECK_THAT(why, !Contains(std::string(65, 'x')) && !Contains("secret"));
  opts.correlation_id = "00-\x01\n";
  CHECK_THAT(check_options(opts), Contains("\"00-??\"") && !Contains("\n"));
}

TEST_CASE("a request gets a correlation id once and keeps a caller's", "[unit]") {
  tx_options opts;
  ensure_correlation_id(opts);
  REQUIRE(valid_traceparent(opts.correlation_id));
  const auto first = opts.correlation_id;
  ensure_correlation_id(opts);
  CHECK(opts.correlation_id == first);
  opts.correlation_id = spec_example;
  ensure_correlation_id(opts);
  CHECK(opts.correlation_id == spec_example);
}
