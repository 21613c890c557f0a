// A service's own logger in runtime_config, with levels per component, on a real runtime: the
// components log-levels names log at their level, the others at log-level.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/log.hpp>
#include <actortx/runtime.hpp>

#include "support/log_state.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using actortx::test::restore_log_state;

namespace {

/// A service's logger that keeps its last lines as "<logger name> <level> <text>".
struct service_logger {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(512);
  std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>("service", ring);

  service_logger() {
    logger->set_pattern("%n %l %v");
    logger->set_level(spdlog::level::trace);  // the components' levels decide
  }
  std::vector<std::string> lines() const {
    auto out = ring->last_formatted();
    for (auto& l : out)
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    return out;
  }
  /// Lines that start with `prefix` ("actortx.pool debug", "actortx.runtime info ...").
  std::vector<std::string> starting_with(const std::string& prefix) const {
    std::vector<std::string> out;
    for (auto& l : lines())
      if (l.rfind(prefix, 0) == 0) out.push_back(l);
    return out;
  }
};

/// One committed transaction; the backend pid it ran on.
int32_t commit_one(runtime& rt) {
  auto out = rt.transact([](tx& t) { t.exec("SELECT 1"); });
  REQUIRE(out.state == tx_state::committed);
  REQUIRE_FALSE(out.attempt_log.empty());
  return out.attempt_log.back().backend_pid;
}

}  // namespace

TEST_CASE("a runtime's logger gets debug lines of the components log-levels names only", "[pg]") {
  restore_log_state restore;
  test::test_schema db;
  service_logger service;
  auto cfg = test::test_config(db);
  cfg.logger = service.logger;
  cfg.log_level = "info";  // test_config() says "error"
  cfg.log_levels = "pool=debug,connection=debug";
  {
    runtime rt{cfg};
    const auto pid = commit_one(rt);
    // Logged before the connection reported ready, so before the transaction could use it.
    CHECK(service
              .starting_with("actortx.connection debug connection to backend " +
                             std::to_string(pid) + " open")
              .size() == 1);
  }
  CHECK(service.starting_with("actortx.runtime info actortx runtime up").size() == 1);
  // The supervisor stayed at log-level (info): its "committed after" line is debug.
  CHECK(service.starting_with("actortx.supervisor debug").empty());
  CHECK(log_destination() == service.logger);
}

TEST_CASE("log-level warn with supervisor=debug keeps debug lines of the supervisor only", "[pg]") {
  restore_log_state restore;
  test::test_schema db;
  service_logger service;
  auto cfg = test::test_config(db);
  cfg.logger = service.logger;
  cfg.log_level = "warn";
  cfg.log_levels = "supervisor=debug";
  {
    runtime rt{cfg};
    // A retried transaction: whichever path its first attempt took (the blocking lane or the
    // supervisor), the supervisor retries it and logs its end.
    auto out = rt.transact([](tx& t) {
      if (t.attempt() == 1) throw retryable_error{"briefly unavailable"};
      t.exec("SELECT 1");
    });
    REQUIRE(out.state == tx_state::committed);
    REQUIRE(out.attempts == 2);
    const auto debug = service.starting_with("actortx.supervisor debug");
    CHECK(std::count_if(debug.begin(), debug.end(), [](const std::string& l) {
            return l.find("committed after 2 attempt(s)") != std::string::npos;
          }) == 1);
  }
  for (const auto& line : service.lines()) {
    INFO(line);
    const bool supervisor = line.rfind("actortx.supervisor ", 0) == 0;
    const bool warn_or_worse = line.find(" warning ") != std::string::npos ||
                               line.find(" error ") != std::string::npos ||
                               line.find(" critical ") != std::string::npos;
    CHECK((supervisor || warn_or_worse));
  }
  CHECK(service.starting_with("actortx.runtime info").empty());
  CHECK(service.starting_with("actortx.connection debug").empty());
}

TEST_CASE("a runtime without a logger keeps the destination set before it but sets the levels",
          "[pg]") {
  restore_log_state restore;
  test::test_schema db;
  service_logger service;
  set_log_destination(service.logger);
  REQUIRE(set_log_level("debug"));  // the runtime's config decides over this
  auto cfg = test::test_config(db);
  cfg.log_level = "info";
  {
    runtime rt{cfg};
    commit_one(rt);
    CHECK(log_destination() == service.logger);
    CHECK(log(log_component::connection).level() == spdlog::level::info);
  }
  CHECK(service.starting_with("actortx.runtime info actortx runtime up").size() == 1);
  for (const auto& line : service.lines()) {
    INFO(line);
    CHECK(line.find(" debug ") == std::string::npos);
  }
}
