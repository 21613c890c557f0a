#include "hotspot_pgbench.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace bench::hotspot {

namespace {

namespace fs = std::filesystem;

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it by the destructor.
class temp_dir {
 public:
  temp_dir() {
    const char* parent = std::getenv("TMPDIR");
    std::string tmpl = std::string{parent != nullptr && *parent != '\0' ? parent : "/tmp"} +
                       "/actortx-hotspot-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

int64_t count_after(const std::string& output, const char* label) {
  std::regex re{std::string{label} + R"(: ([0-9]+))"};
  std::smatch m;
  if (!std::regex_search(output, m, re)) return -1;
  return std::stoll(m[1]);
}

bool parse_int(const std::string& text, int64_t& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  out = v;
  return true;
}

}  // namespace

std::string pgbench_script(int accounts) {
  std::ostringstream s;
  s << "\\set from random(1, " << accounts << ")\n"
    << "\\set to (:from + random(0, " << accounts - 2 << ")) % " << accounts << " + 1\n"
    << "\\set amount random(1, 100)\n"
    << "BEGIN ISOLATION LEVEL SERIALIZABLE;\n"
    << "UPDATE hotspot_account SET balance = balance - :amount WHERE id = :from;\n"
    << "UPDATE hotspot_account SET balance = balance + :amount WHERE id = :to;\n"
    << "END;\n";
  return s.str();
}

pgbench_summary parse_pgbench_summary(const std::string& output) {
  pgbench_summary out;
  auto basic = parse_pgbench_output(output);  // throws without a "tps = " line
  out.tps = basic.tps;
  out.latency_avg_ms = basic.latency_avg_ms;
  out.processed = count_after(output, "number of transactions actually processed");
  out.failed = count_after(output, "number of failed transactions");
  out.retried = count_after(output, "number of transactions retried");
  out.retries = count_after(output, "total number of retries");
  return out;
}

bool parse_pgbench_log_line(const std::string& line, bool with_retries, pgbench_log_entry& out) {
  std::istringstream in{line};
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  // client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
  if (f.size() < (with_retries ? 7u : 6u)) return false;
  int64_t epoch = 0, us = 0, latency = 0, retries = 0;
  if (!parse_int(f[4], epoch) || !parse_int(f[5], us)) return false;
  out.end_us = epoch * 1000000 + us;
  // Not a number: "failed" (or the failure type with --failures-detailed).
  out.latency_us = parse_int(f[2], latency) ? latency : -1;
  out.retries = 0;
  if (with_retries) {
    if (!parse_int(f.back(), retries)) return false;
    out.retries = retries;
  }
  return true;
}

result summarize_pgbench_log(const std::vector<pgbench_log_entry>& entries, double warmup_s,
                             double measure_s) {
  result out;
  out.seconds = measure_s;
  if (entries.empty()) return out;
  // The run starts when the first transaction started (connections are open by then).
  int64_t start = std::numeric_limits<int64_t>::max();
  for (const auto& e : entries)
    start = std::min(start, e.latency_us >= 0 ? e.end_us - e.latency_us : e.end_us);
  auto from = start + static_cast<int64_t>(warmup_s * 1e6);
  auto to = from + static_cast<int64_t>(measure_s * 1e6);
  for (const auto& e : entries) {
    if (e.end_us < from || e.end_us >= to) continue;
    out.attempts += e.retries + 1;
    if (e.latency_us >= 0) {
      ++out.commits;
      out.latencies_ns.push_back(e.latency_us * 1000);
    } else {
      ++out.failed;
    }
  }
  return out;
}

result run_pgbench(const pgbench_runner& pgb, const pgbench_settings& s, pgbench_summary& summary) {
  temp_dir dir;
  auto script = dir.path() / "hotspot.sql";
  {
    std::ofstream f{script};
    f << pgbench_script(s.accounts);
    if (!f.flush()) throw std::runtime_error("cannot write " + script.string());
  }
  auto prefix = (dir.path() / "txlog").string();
  int total = s.warmup + s.measure + 1;  // + 1 s: the window never touches pgbench's shutdown
  std::vector<std::string> args{"-n",
                                "-f",
                                script.string(),
                                "-c",
                                std::to_string(s.clients),
                                "-j",
                                std::to_string(std::max(1, std::min(s.threads, s.clients))),
                                "-T",
                                std::to_string(total),
                                "--max-tries=" + std::to_string(s.max_tries),
                                "-M",
                                "prepared",
                                "--random-seed=" + std::to_string(s.seed),
                                "-l",
                                "--log-prefix=" + prefix};
  auto output = pgb.run_args(args);
  summary = parse_pgbench_summary(output);
  summary.command.clear();
  const auto dir_prefix = dir.path().string() + "/";  // gone after the run: not worth showing
  for (auto a : args) {
    for (auto at = a.find(dir_prefix); at != std::string::npos; at = a.find(dir_prefix))
      a.erase(at, dir_prefix.size());
    summary.command += (summary.command.empty() ? "" : " ") + a;
  }

  std::vector<pgbench_log_entry> entries;
  for (const auto& f : fs::directory_iterator{dir.path()}) {
    if (f.path().filename().string().rfind("txlog", 0) != 0) continue;
    std::ifstream in{f.path()};
    pgbench_log_entry e;
    for (std::string line; std::getline(in, line);)
      if (parse_pgbench_log_line(line, s.max_tries != 1, e)) entries.push_back(e);
  }
  if (entries.empty())
    throw std::runtime_error("pgbench wrote no per-transaction log; its output:\n" + output);
  return summarize_pgbench_log(entries, s.warmup, s.measure);
}

}  // namespace bench::hotspot
