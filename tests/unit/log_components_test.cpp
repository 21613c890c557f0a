// actortx's loggers (log.hpp): one per component with its own level, all writing to one
// destination that can be swapped while threads log. Plain C++ and spdlog, no CAF: the TSan
// binary (tests/tsan) runs these too.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/log.hpp>

#include "support/log_state.hpp"

using namespace actortx;
using actortx::test::restore_log_state;

namespace {

std::vector<log_component> all_components() {
  std::vector<log_component> out;
  for (size_t i = 0; i < log_component_count; ++i) out.push_back(static_cast<log_component>(i));
  return out;
}

/// A destination that keeps its last lines as "<logger name> <level> <text>".
struct ring_destination {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>("service", ring);

  explicit ring_destination(spdlog::level::level_enum level = spdlog::level::trace) {
    logger->set_pattern("%n %l %v");
    logger->set_level(level);
  }
  std::vector<std::string> lines() const {
    auto out = ring->last_formatted();
    for (auto& l : out)
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    return out;
  }
};

/// Counts the lines it gets into a counter that outlives it.
class counting_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit counting_sink(std::shared_ptr<std::atomic<long>> count) : count_(std::move(count)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg&) override { ++*count_; }
  void flush_() override {}

 private:
  std::shared_ptr<std::atomic<long>> count_;
};

}  // namespace

TEST_CASE("every component's logger is named actortx.<component> and its name parses back",
          "[unit]") {
  for (auto c : all_components()) {
    INFO(to_string(c));
    CHECK(log(c).name() == std::string{"actortx."} + to_string(c));
    log_component parsed = log_component::maintenance;
    REQUIRE(parse_log_component(to_string(c), parsed));
    CHECK(parsed == c);
  }
  CHECK(&log() == &log(log_component::runtime));
  CHECK(to_string(log_component::connection) == std::string{"connection"});
}

TEST_CASE("an unknown component name is refused and leaves the output alone", "[unit]") {
  log_component c = log_component::saga;
  CHECK_FALSE(parse_log_component("pools", c));
  CHECK_FALSE(parse_log_component("", c));
  CHECK_FALSE(parse_log_component("Pool", c));
  CHECK_FALSE(parse_log_component("actortx.pool", c));
  CHECK(c == log_component::saga);
}

TEST_CASE("set_log_level of one component changes that component only", "[unit]") {
  restore_log_state restore;
  REQUIRE(set_log_level(log_component::pool, "debug"));
  for (auto c : all_components()) {
    INFO(to_string(c));
    CHECK(log(c).level() ==
          (c == log_component::pool ? spdlog::level::debug : spdlog::level::info));
  }
}

TEST_CASE("set_log_level without a component sets every component", "[unit]") {
  restore_log_state restore;
  REQUIRE(set_log_level(log_component::saga, "trace"));
  REQUIRE(set_log_level("warn"));
  for (auto c : all_components()) CHECK(log(c).level() == spdlog::level::warn);
}

TEST_CASE("an unknown level is refused and changes nothing", "[unit]") {
  restore_log_state restore;
  CHECK_FALSE(set_log_level("loud"));
  CHECK_FALSE(set_log_level(log_component::pool, "loud"));
  CHECK_FALSE(set_log_level(log_component::pool, ""));
  for (auto c : all_components()) CHECK(log(c).level() == spdlog::level::info);
  // "off" is a level, not spdlog's answer for an unknown name.
  CHECK(set_log_level(log_component::pool, "off"));
  CHECK(log(log_component::pool).level() == spdlog::level::off);
}

TEST_CASE("log_levels_problem names the part of a spec that is wrong", "[unit]") {
  CHECK_THAT(log_levels_problem("pool=loud"),
             Catch::Contains("\"loud\"") && Catch::Contains("pool") && Catch::Contains("debug"));
  CHECK_THAT(log_levels_problem("saga=warn, pools=debug"),
             Catch::Contains("\"pools\"") && Catch::Contains("connection"));
  CHECK_THAT(log_levels_problem("pool"), Catch::Contains("\"pool\" is not component=level"));
  CHECK_THAT(log_levels_problem("=debug"), Catch::Contains("unknown component \"\""));
  CHECK_THAT(log_levels_problem("pool="), Catch::Contains("unknown level \"\" for pool"));
}

TEST_CASE("blanks and empty parts of a levels spec are fine", "[unit]") {
  restore_log_state restore;
  for (auto spec : {"", " ", ",", " , ,", " pool = debug , , saga=warn ,"})
    CHECK(log_levels_problem(spec).empty());
  REQUIRE(set_log_levels(" pool = debug , , saga=warn ,"));
  CHECK(log(log_component::pool).level() == spdlog::level::debug);
  CHECK(log(log_component::saga).level() == spdlog::level::warn);
  CHECK(log(log_component::runtime).level() == spdlog::level::info);
}

TEST_CASE("a levels spec with a bad part changes no component", "[unit]") {
  restore_log_state restore;
  CHECK_FALSE(set_log_levels("pool=debug,saga=loud"));
  CHECK_FALSE(set_log_levels("pool=debug,nope=warn"));
  for (auto c : all_components()) CHECK(log(c).level() == spdlog::level::info);
}

TEST_CASE("lines of each component reach the destination under their component's name", "[unit]") {
  restore_log_state restore;
  ring_destination dest;
  set_log_destination(dest.logger);
  CHECK(log_destination() == dest.logger);
  REQUIRE(set_log_levels("pool=debug"));

  log(log_component::pool).debug("connection {} closed", 7);
  log(log_component::saga).info("saga {} started", 1);
  log(log_component::saga).debug("below the saga's level");
  CHECK(dest.lines() == std::vector<std::string>{"actortx.pool debug connection 7 closed",
                                                 "actortx.saga info saga 1 started"});
}

TEST_CASE("the destination's level and its sinks' levels filter as well", "[unit]") {
  restore_log_state restore;
  ring_destination dest{spdlog::level::info};
  set_log_destination(dest.logger);
  REQUIRE(set_log_level("trace"));

  log(log_component::pool).debug("below the destination's level");
  log(log_component::pool).info("kept");
  dest.ring->set_level(spdlog::level::warn);
  log(log_component::pool).info("below the sink's level");
  log(log_component::pool).error("kept too");
  CHECK(dest.lines() ==
        std::vector<std::string>{"actortx.pool info kept", "actortx.pool error kept too"});
}

TEST_CASE("a null destination restores the default: a logger registered as actortx", "[unit]") {
  restore_log_state restore;
  ring_destination service;
  set_log_destination(service.logger);

  // The old way to inject a logger, kept working: register it with spdlog as "actortx".
  ring_destination registered;
  auto legacy = std::make_shared<spdlog::logger>("actortx", registered.ring);
  legacy->set_pattern("%n %l %v");
  legacy->set_level(spdlog::level::trace);
  spdlog::register_logger(legacy);
  set_log_destination(nullptr);
  spdlog::drop("actortx");

  CHECK(log_destination() == legacy);
  log(log_component::listen).warn("channel {} lost", "orders");
  CHECK(registered.lines() ==
        std::vector<std::string>{"actortx.listen warning channel orders lost"});
  CHECK(service.lines().empty());

  set_log_destination(nullptr);  // nothing registered now: stderr
  CHECK(log_destination() != legacy);
  CHECK(log_destination()->name() == "actortx");
}

TEST_CASE("swapping the destination while four threads log loses no line and no destination",
          "[unit]") {
  restore_log_state restore;
  auto count = std::make_shared<std::atomic<long>>(0);
  auto counting_destination = [&] {
    auto l = std::make_shared<spdlog::logger>("service", std::make_shared<counting_sink>(count));
    l->set_level(spdlog::level::trace);
    return l;
  };
  set_log_destination(counting_destination());

  constexpr int threads = 4;
  constexpr long lines_each = 5000;
  std::atomic<int> running{threads};
  std::vector<std::thread> loggers;
  for (int t = 0; t < threads; ++t)
    loggers.emplace_back([t, &running] {
      const auto c = static_cast<log_component>(t % log_component_count);
      for (long i = 0; i < lines_each; ++i) log(c).info("line {} of thread {}", i, t);
      --running;
    });
  // Each swap drops the previous destination here: only lines in flight still hold it.
  long swaps = 0;
  while (running.load() > 0 || swaps < 100) {
    set_log_destination(counting_destination());
    ++swaps;
  }
  for (auto& t : loggers) t.join();

  CHECK(swaps >= 100);
  CHECK(count->load() == threads * lines_each);  // each line went to exactly one destination
}
