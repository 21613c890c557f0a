#include "runtime/observability/exporter_registry.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "support/prometheus_lines.hpp"

using namespace actortx;
using actortx::test::parse_prometheus;
using namespace std::chrono_literals;

namespace {

metrics_snapshot runtime_named(const std::string& name, double uptime) {
  metrics_snapshot s;
  s.identity = {name, "db_" + name, name, ""};
  s.uptime_seconds = uptime;
  return s;
}

uint64_t source_errors(const test::prom_text& p) {
  return std::stoull(p.value("actortx_exporter_source_errors_total"));
}

}  // namespace

TEST_CASE("process_metrics_text renders every registered runtime", "[unit]") {
  const auto before = metrics_source_count();
  auto a = register_metrics_source([] { return runtime_named("reg-a", 1); });
  auto b = register_metrics_source([] { return runtime_named("reg-b", 2); });
  CHECK(metrics_source_count() == before + 2);

  auto p = parse_prometheus(process_metrics_text());
  CHECK(p.value("actortx_uptime_seconds", {{"actortx_runtime", "reg-a"}}) == "1");
  CHECK(p.value("actortx_uptime_seconds",
                {{"actortx_runtime", "reg-b"}, {"db_namespace", "db_reg-b"}}) == "2");
  CHECK(p.type_of("actortx_exporter_source_errors_total") == "counter");

  a.reset();
  CHECK(!a);
  p = parse_prometheus(process_metrics_text());
  CHECK(p.find("actortx_uptime_seconds", {{"actortx_runtime", "reg-a"}}).empty());
  CHECK(p.find("actortx_uptime_seconds", {{"actortx_runtime", "reg-b"}}).size() == 1);
  {
    auto moved = std::move(b);
    CHECK(!b);
    CHECK(metrics_source_count() == before + 1);
  }
  CHECK(metrics_source_count() == before);
}

TEST_CASE("process_metrics_text skips a source that throws and counts it", "[unit]") {
  auto good = register_metrics_source([] { return runtime_named("reg-good", 3); });
  auto bad = register_metrics_source(
      []() -> metrics_snapshot { throw std::runtime_error("metrics actor gone"); });
  const auto errors_before = source_errors(parse_prometheus(process_metrics_text()));
  auto p = parse_prometheus(process_metrics_text());
  CHECK(source_errors(p) == errors_before + 1);
  CHECK(p.value("actortx_uptime_seconds", {{"actortx_runtime", "reg-good"}}) == "3");
}

TEST_CASE("unregistering waits for a scrape that is calling the source", "[unit]") {
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  std::atomic<bool> source_returned{false};
  auto token = register_metrics_source([&, released] {
    entered.set_value();
    released.wait();
    source_returned = true;
    return runtime_named("reg-slow", 4);
  });
  auto scrape = std::async(std::launch::async, [] { return process_metrics_text(); });
  entered.get_future().wait();

  auto unregister = std::async(std::launch::async, [&] {
    token.reset();
    return source_returned.load();  // what the source's owner may rely on after reset()
  });
  // The source is still running: reset() must not have returned.
  CHECK(unregister.wait_for(100ms) == std::future_status::timeout);
  release.set_value();
  CHECK(unregister.get());
  auto text = scrape.get();
  CHECK(parse_prometheus(text).value("actortx_uptime_seconds", {{"actortx_runtime", "reg-slow"}}) ==
        "4");
}
