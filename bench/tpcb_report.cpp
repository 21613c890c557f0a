#include "tpcb_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

namespace bench {

namespace {

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

using metric = std::function<double(const side_sample&)>;

std::vector<double> over_rounds(const std::vector<side_sample>& samples, const metric& m) {
  std::vector<double> out;
  for (const auto& s : samples) out.push_back(m(s));
  return out;
}

/// Per round: combine(a's sample, b's sample); rounds where either side is missing are skipped.
std::vector<double> paired(const std::vector<side_sample>& a, const std::vector<side_sample>& b,
                           const std::function<double(const side_sample&, const side_sample&)>& f) {
  std::vector<double> out;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) out.push_back(f(a[i], b[i]));
  return out;
}

double ratio(double a, double b) {
  return b > 0 ? a / b : std::nan("");
}

struct goal_row {
  side a, b;
  const char* what;  ///< e.g. "TPS ratio"
  std::function<double(const side_sample&, const side_sample&)> f;
  int digits;
  std::function<std::string(int clients)> goal;
};

std::vector<goal_row> goal_rows() {
  auto tps_ratio = [](const side_sample& a, const side_sample& b) { return ratio(a.tps, b.tps); };
  auto fixed = [](const char* g) { return [g](int) { return std::string{g}; }; };
  return {
      {side::body, side::raw_prepared, "TPS ratio", tps_ratio, 3, fixed("≥ 0.95")},
      {side::body, side::raw_prepared, "added p50 (µs)",
       [](const side_sample& a, const side_sample& b) { return a.p50_us - b.p50_us; }, 0,
       fixed("≤ 30")},
      {side::body, side::raw_prepared, "added client CPU (µs/tx)",
       [](const side_sample& a, const side_sample& b) { return a.cpu_us_per_tx - b.cpu_us_per_tx; },
       0, fixed("≤ 30")},
      {side::script, side::pgbench, "TPS ratio", tps_ratio, 3,
       [](int clients) {
         return clients == 1 ? std::string{"≥ 2"} : clients == 8 ? std::string{"≥ 1.3"} : "—";
       }},
      {side::script, side::pgbench_pipeline, "TPS ratio", tps_ratio, 3, fixed("≥ 0.9")},
      // Not goals: where the body stands against the unprepared driver, and the pipeline
      // against the plain prepared round trips of the same runtime.
      {side::body, side::raw, "TPS ratio", tps_ratio, 3, fixed("—")},
      {side::script, side::body, "TPS ratio", tps_ratio, 3, fixed("—")},
  };
}

}  // namespace

std::string median_range(std::vector<double> values, int digits) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return "—";
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  if (n == 1) return num(median, digits);
  // A dash between two negative numbers reads as a minus: "to" then.
  const char* sep = values.front() < 0 ? " to " : "–";
  return num(median, digits) + " (" + num(values.front(), digits) + sep +
         num(values.back(), digits) + ")";
}

void print_sides_table(std::ostream& out, const tpcb_results& r) {
  out << "| clients | side | TPS | avg latency (µs) | p50 (µs) | p99 (µs) | client CPU (µs/tx) "
         "| context switches/tx | errors |\n"
      << "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [clients, sides] : r) {
    for (side s : all_sides()) {
      auto it = sides.find(s);
      if (it == sides.end()) continue;
      const auto& v = it->second;
      int64_t errors = 0;
      for (const auto& x : v) errors += x.errors;
      out << "| " << clients << " | " << side_label(s) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.tps; }), 0) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.avg_us; }), 0) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.p50_us; }), 0) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.p99_us; }), 0) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.cpu_us_per_tx; }), 0) << " | "
          << median_range(over_rounds(v, [](auto& x) { return x.switches_per_tx; }), 1) << " | "
          << errors << " |\n";
    }
  }
}

void print_goals_table(std::ostream& out, const tpcb_results& r) {
  out << "| clients | comparison | measured, median (min–max over rounds) | goal |\n"
      << "|---:|---|---:|---:|\n";
  for (const auto& [clients, sides] : r) {
    for (const auto& g : goal_rows()) {
      auto a = sides.find(g.a);
      auto b = sides.find(g.b);
      if (a == sides.end() || b == sides.end()) continue;
      out << "| " << clients << " | " << side_label(g.a) << " vs " << side_label(g.b) << ": "
          << g.what << " | " << median_range(paired(a->second, b->second, g.f), g.digits) << " | "
          << g.goal(clients) << " |\n";
    }
  }
}

}  // namespace bench
