// Latency percentiles from a bounded histogram: exact for small values, within 1.6 % above.
#include "latency_stats.hpp"

#include <catch2/catch.hpp>

using namespace stress;

TEST_CASE("percentiles are exact below 512 us and within 1.6 percent above", "[unit]") {
  latency_histogram h;
  for (int64_t v = 1; v <= 100; ++v) h.add(v);
  auto s = summarize(h);
  CHECK(s.count == 100);
  CHECK(s.p50.count() == 50);
  CHECK(s.p99.count() == 99);
  CHECK(s.max.count() == 100);
  CHECK(s.mean.count() == 50);  // 50.5 truncated
  for (int64_t v : {600, 2304, 38524, 1062932, 2000217, 300000000}) {
    const auto b = latency_histogram::bucket_of(v);
    const auto low = latency_histogram::value_of(b);
    CHECK(low <= v);
    CHECK(static_cast<double>(v - low) <= 0.016 * static_cast<double>(v));
    CHECK(latency_histogram::bucket_of(low) == b);
  }
}

TEST_CASE("merged histograms count every sample; memory does not grow with them", "[unit]") {
  latency_histogram a, b;
  for (int i = 0; i < 100000; ++i) a.add(1000);
  b.add(5'000'000'000);  // beyond the last bucket: counted there, the max stays exact
  a.merge(b);
  CHECK(a.count() == 100001);
  CHECK(a.max() == 5'000'000'000);
  CHECK(a.percentile(0.5) == latency_histogram::value_of(latency_histogram::bucket_of(1000)));
  CHECK(a.percentile(1.0) <= 5'000'000'000);
  CHECK(summarize(latency_histogram{}).count == 0);
}
