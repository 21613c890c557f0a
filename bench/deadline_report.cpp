#include "deadline_report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

#include "latency.hpp"

namespace bench {

namespace {

using getter = std::function<std::optional<int64_t>(const probe_sample&)>;

struct cell {
  probe_path path;
  bool loaded;
  std::vector<const probe_sample*> samples;
};

std::vector<cell> cells_of(const std::vector<probe_sample>& samples) {
  std::vector<cell> out;
  for (auto path : {probe_path::body, probe_path::script, probe_path::commit})
    for (bool loaded : {false, true}) {
      cell c{path, loaded, {}};
      for (const auto& s : samples)
        if (s.path == path && s.loaded == loaded) c.samples.push_back(&s);
      if (!c.samples.empty()) out.push_back(std::move(c));
    }
  return out;
}

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::vector<int64_t> values(const cell& c, const getter& get, std::optional<int> round = {}) {
  std::vector<int64_t> v;
  for (const auto* s : c.samples)
    if (!round || s->round == *round)
      if (auto x = get(*s)) v.push_back(*x);
  return v;
}

/// "p (lo–hi)" in ms: the percentile over all samples, then its min and max over the rounds.
std::string with_spread(const cell& c, const getter& get, double p) {
  auto all = values(c, get);
  if (all.empty()) return "–";
  std::map<int, bool> rounds;
  for (const auto* s : c.samples) rounds[s->round] = true;
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (const auto& kv : rounds) {
    auto v = values(c, get, kv.first);
    if (v.empty()) continue;
    const double x = percentile_us(v, p);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return fixed(percentile_us(all, p) / 1000, 2) + " (" + fixed(lo / 1000, 2) + "–" +
         fixed(hi / 1000, 2) + ")";
}

std::string p50_p99(const cell& c, const getter& get) {
  auto v = values(c, get);
  if (v.empty()) return "–";
  return fixed(percentile_us(v, 0.5) / 1000, 2) + " / " + fixed(percentile_us(v, 0.99) / 1000, 2);
}

const char* load_name(bool loaded) {
  return loaded ? "loaded" : "idle";
}

void metric_table(std::ostream& os, const std::string& title, const std::vector<cell>& cells,
                  const getter& get) {
  os << "\n"
     << title << " (ms; all rounds, in brackets min–max of the rounds' values)\n\n"
     << "| path | background | n | p50 | p95 | p99 | max |\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& c : cells)
    os << "| " << to_string(c.path) << " | " << load_name(c.loaded) << " | "
       << values(c, get).size() << " | " << with_spread(c, get, 0.50) << " | "
       << with_spread(c, get, 0.95) << " | " << with_spread(c, get, 0.99) << " | "
       << with_spread(c, get, 1.0) << " |\n";
}

getter field(int64_t probe_sample::*member, bool body_only = false) {
  return [member, body_only](const probe_sample& s) -> std::optional<int64_t> {
    if (body_only && s.path != probe_path::body) return std::nullopt;
    return s.*member;
  };
}

void where_table(std::ostream& os, const std::vector<cell>& cells) {
  getter resolution = [](const probe_sample& s) -> std::optional<int64_t> {
    if (!s.backend_gone) return std::nullopt;
    return s.resolution_ns;
  };
  getter pqcancel = [](const probe_sample& s) -> std::optional<int64_t> {
    if (s.pqcancel_ns < 0) return std::nullopt;
    return s.pqcancel_ns;
  };
  os << "\nWhere the time went (ms past the caller's deadline, p50 / p99; the runtime's answer "
        "is past its own deadline, which starts when the supervisor gets the request)\n\n"
     << "| path | background | runtime's answer sent | body's statement returned | ROLLBACK "
        "sent | ROLLBACK done, cancel settled | caller returned | PQcancel round trip (ms) | "
        "poll uncertainty |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& c : cells)
    os << "| " << to_string(c.path) << " | " << load_name(c.loaded) << " | "
       << p50_p99(c, field(&probe_sample::runtime_late_ns)) << " | "
       << p50_p99(c, field(&probe_sample::body_exit_late_ns, true)) << " | "
       << p50_p99(c, field(&probe_sample::rollback_sent_late_ns, true)) << " | "
       << p50_p99(c, field(&probe_sample::rollback_done_late_ns, true)) << " | "
       << p50_p99(c, field(&probe_sample::caller_late_ns)) << " | " << p50_p99(c, pqcancel) << " | "
       << p50_p99(c, resolution) << " |\n";
}

void outcome_table(std::ostream& os, const std::vector<cell>& cells) {
  os << "\nOutcomes\n\n| path | background | samples | TIMEOUT | IN_DOUBT | other | never seen "
        "active | active 3 s past | poll uncertainty > 5 ms | cuts | cancel failures | rows "
        "committed | not-committed answer with a row |\n"
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& c : cells) {
    int timeout = 0, in_doubt = 0, unseen = 0, stuck = 0, uncertain = 0, rows = 0, lies = 0;
    int64_t cuts = 0, cancel_failures = 0;
    std::map<std::string, int> other;
    for (const auto* s : c.samples) {
      if (s->state == actortx::tx_state::timeout)
        ++timeout;
      else if (s->state == actortx::tx_state::in_doubt)
        ++in_doubt;
      else
        ++other[actortx::to_string(s->state)];
      unseen += s->backend_seen ? 0 : 1;
      stuck += s->backend_seen && !s->backend_gone ? 1 : 0;
      uncertain += s->backend_gone && s->resolution_ns > 5000000 ? 1 : 0;
      cuts += s->cuts;
      cancel_failures += s->cancel_failures;
      rows += s->row_committed ? 1 : 0;
      const bool not_committed =
          s->state != actortx::tx_state::committed && s->state != actortx::tx_state::in_doubt;
      lies += s->row_committed && not_committed ? 1 : 0;
    }
    std::string others;
    for (const auto& kv : other)
      others += (others.empty() ? "" : ", ") + kv.first + " " + std::to_string(kv.second);
    os << "| " << to_string(c.path) << " | " << load_name(c.loaded) << " | " << c.samples.size()
       << " | " << timeout << " | " << in_doubt << " | " << (others.empty() ? "0" : others) << " | "
       << unseen << " | " << stuck << " | " << uncertain << " | " << cuts << " | "
       << cancel_failures << " | " << (c.path == probe_path::commit ? std::to_string(rows) : "–")
       << " | " << (c.path == probe_path::commit ? std::to_string(lies) : "–") << " |\n";
  }
}

}  // namespace

void print_deadline_report(std::ostream& os, const std::vector<probe_sample>& samples) {
  const auto cells = cells_of(samples);
  metric_table(os, "Caller's lateness: the blocking call returned, minus its deadline", cells,
               [](const probe_sample& s) -> std::optional<int64_t> { return s.caller_late_ns; });
  metric_table(os,
               "Backend no longer active (pg_stat_activity; the poll that saw it gone returned), "
               "minus the deadline",
               cells, [](const probe_sample& s) -> std::optional<int64_t> {
                 if (!s.backend_gone) return std::nullopt;
                 return s.backend_late_ns;
               });
  where_table(os, cells);
  outcome_table(os, cells);
}

void write_samples_csv(const std::string& path, const std::vector<probe_sample>& samples) {
  std::ofstream f{path};
  if (!f) throw std::runtime_error("cannot write " + path);
  f << "round,path,background,state,caller_late_us,runtime_late_us,body_exit_late_us,"
       "rollback_sent_late_us,rollback_done_late_us,backend_seen,backend_gone,backend_late_us,"
       "resolution_us,pqcancel_us,row_committed,cuts,cancel_failures\n";
  auto us = [](int64_t ns) { return fixed(static_cast<double>(ns) / 1000, 1); };
  for (const auto& s : samples)
    f << s.round << ',' << to_string(s.path) << ',' << load_name(s.loaded) << ','
      << actortx::to_string(s.state) << ',' << us(s.caller_late_ns) << ',' << us(s.runtime_late_ns)
      << ',' << us(s.body_exit_late_ns) << ',' << us(s.rollback_sent_late_ns) << ','
      << us(s.rollback_done_late_ns) << ',' << s.backend_seen << ',' << s.backend_gone << ','
      << us(s.backend_late_ns) << ',' << us(s.resolution_ns) << ',' << us(s.pqcancel_ns) << ','
      << s.row_committed << ',' << s.cuts << ',' << s.cancel_failures << '\n';
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace bench
