// actortx-bench-exposition: what a /metrics scrape costs with actortx's own text exposition
// and with prometheus-cpp, over the same realistic snapshot (many operations x outcomes x
// error types, pool, sagas, internal transactions). Each scrape renders with both, interleaved
// (ours, prometheus-cpp sync, prometheus-cpp render), timed on the thread's CPU clock; rounds
// are repeated and reported as median (min–max) of the per-round means. Also: what keeping the
// model in step costs per record (metrics_store::add vs prometheus-cpp Observe/Increment).
// A benchmark, not a test: it prints what it measured.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "exposition_prometheus_cpp.hpp"
#include "exposition_workload.hpp"
#include "runtime/observability/metrics_store.hpp"
#include "runtime/observability/prometheus_text.hpp"
#include "support/prometheus_lines.hpp"

namespace {

struct options {
  bench::exposition_shape shape;
  int rounds = 7;
  int scrapes = 30;  ///< per round
};

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

template <class F>
double cpu_us(F&& f) {
  const double t0 = thread_cpu_us();
  f();
  return thread_cpu_us() - t0;
}

/// Per-round means of one measure.
struct series {
  std::vector<double> rounds;
  std::string text(int digits) const {
    auto v = rounds;
    std::sort(v.begin(), v.end());
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.*f (%.*f–%.*f)", digits, v[v.size() / 2], digits, v.front(),
                  digits, v.back());
    return buf;
  }
};

/// "name{k=v,...}" with labels sorted and `le` as a number, to compare two texts' series.
std::map<std::string, double> series_of(const std::string& text) {
  std::map<std::string, double> out;
  for (const auto& s : actortx::test::parse_prometheus(text).samples) {
    std::string key = s.name + '{';
    for (const auto& [k, v] : s.labels)
      key += k + '=' + (k == "le" && v != "+Inf" ? std::to_string(std::stod(v)) : v) + ',';
    out[key + '}'] = std::stod(s.value);
  }
  return out;
}

void compare_outputs(const std::string& ours, const std::string& theirs) {
  auto a = series_of(ours), b = series_of(theirs);
  size_t same = 0;
  std::vector<std::string> differ;
  for (const auto& [k, v] : a) {
    auto i = b.find(k);
    if (i != b.end() && std::fabs(i->second - v) <= 1e-9 * std::max(1.0, std::fabs(v)))
      ++same;
    else if (differ.size() < 3)
      differ.push_back(k);
  }
  std::printf("series: actortx %zu, prometheus-cpp %zu, same name, labels and value: %zu\n",
              a.size(), b.size(), same);
  for (const auto& k : differ)
    std::printf("  only in actortx's text, or another value: %s\n", k.c_str());
  std::printf("bytes per scrape: actortx %zu, prometheus-cpp %zu\n\n", ours.size(), theirs.size());
}

int run(const options& o) {
  const auto records = bench::exposition_records(o.shape);
  auto snapshot = bench::exposition_snapshot(o.shape, records);
  std::printf(
      "snapshot: %d labels, %zu operation series, %zu per-label aggregates, %zu "
      "records\n",
      o.shape.labels, snapshot.operations.size(), snapshot.by_label.size(), records.size());

  bench::prometheus_cpp_mirror mirror{snapshot.identity};
  mirror.sync(snapshot);  // the series exist before the first timed scrape, as in a server
  series ours_render, cpp_sync, cpp_render, cpp_total, store_add, cpp_observe;
  std::string ours, theirs;
  for (int round = 0; round < o.rounds; ++round) {
    double ours_us = 0, sync_us = 0, render_us = 0;
    for (int i = 0; i < o.scrapes; ++i) {
      bench::advance(snapshot);
      ours_us += cpu_us([&] { ours = actortx::prometheus_text(snapshot); });
      sync_us += cpu_us([&] { mirror.sync(snapshot); });
      render_us += cpu_us([&] { theirs = mirror.render(); });
    }
    ours_render.rounds.push_back(ours_us / o.scrapes / 1000);
    cpp_sync.rounds.push_back(sync_us / o.scrapes / 1000);
    cpp_render.rounds.push_back(render_us / o.scrapes / 1000);
    cpp_total.rounds.push_back((sync_us + render_us) / o.scrapes / 1000);

    // Per record: a fresh model each round, the same records.
    actortx::metrics_store_settings settings;
    settings.max_labels = static_cast<size_t>(o.shape.labels);
    actortx::metrics_store store{settings};
    bench::prometheus_cpp_mirror fresh{snapshot.identity};
    const double add_us = cpu_us([&] {
      for (const auto& r : records) store.add(r);
    });
    const double observe_us = cpu_us([&] {
      for (const auto& r : records) fresh.observe(r);
    });
    store_add.rounds.push_back(add_us * 1000 / static_cast<double>(records.size()));
    cpp_observe.rounds.push_back(observe_us * 1000 / static_cast<double>(records.size()));
  }

  compare_outputs(ours, theirs);
  std::printf(
      "%d rounds of %d scrapes; CPU time of the scraping thread, median (min–max) of "
      "the rounds' means\n\n",
      o.rounds, o.scrapes);
  std::printf("| per scrape | ms |\n|---|---|\n");
  std::printf("| actortx prometheus_text | %s |\n", ours_render.text(3).c_str());
  std::printf("| prometheus-cpp sync from the snapshot | %s |\n", cpp_sync.text(3).c_str());
  std::printf("| prometheus-cpp Collect + TextSerializer | %s |\n", cpp_render.text(3).c_str());
  std::printf("| prometheus-cpp sync + render | %s |\n\n", cpp_total.text(3).c_str());
  std::printf("| per finished transaction | ns |\n|---|---|\n");
  std::printf("| actortx metrics_store::add (whole model, ring included) | %s |\n",
              store_add.text(0).c_str());
  std::printf("| prometheus-cpp Observe + Increment (exported series only) | %s |\n",
              cpp_observe.text(0).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"actortx-bench-exposition: /metrics with actortx's exposition vs prometheus-cpp"};
  options o;
  app.add_option("--labels", o.shape.labels, "distinct operations (transaction labels)");
  app.add_option("--error-types", o.shape.error_types, "error types of failed transactions");
  app.add_option("--rounds", o.rounds, "rounds (each: scrapes with both, interleaved)");
  app.add_option("--scrapes", o.scrapes, "scrapes per round");
  CLI11_PARSE(app, argc, argv);
  return run(o);
}
