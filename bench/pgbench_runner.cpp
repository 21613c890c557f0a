#include "pgbench_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <actortx/dsn.hpp>

#include "subprocess.hpp"

namespace bench {

namespace {

namespace fs = std::filesystem;

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

std::string find_pgbench() {
  const std::string preferred = "/usr/lib/postgresql/15/bin/pgbench";
  if (executable(preferred)) return preferred;
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator{"/usr/lib/postgresql", ec}) {
    auto candidate = (dir.path() / "bin" / "pgbench").string();
    if (executable(candidate)) found.push_back(candidate);
  }
  if (!found.empty()) return *std::max_element(found.begin(), found.end());  // by version dir
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs{path};
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && executable(dir + "/pgbench")) return dir + "/pgbench";
  }
  throw std::runtime_error("pgbench not found (install postgresql-client or pass --pgbench)");
}

}  // namespace

pgbench_runner::pgbench_runner(std::string binary, const std::string& dsn)
    : binary_(binary.empty() ? find_pgbench() : std::move(binary)) {
  auto keys = actortx::parse_dsn(dsn);
  auto flag = [&](const char* key, const char* option) {
    auto i = keys.find(key);
    if (i != keys.end() && !i->second.empty()) {
      conn_args_.push_back(option);
      conn_args_.push_back(i->second);
    }
  };
  flag("host", "-h");
  flag("port", "-p");
  flag("user", "-U");
  // Secrets and TLS settings go through the environment, which libpq reads as well.
  for (auto [key, var] : {std::pair{"password", "PGPASSWORD"}, std::pair{"sslmode", "PGSSLMODE"},
                          std::pair{"hostaddr", "PGHOSTADDR"}}) {
    auto i = keys.find(key);
    if (i != keys.end()) env_.emplace_back(var, i->second);
  }
  auto db = keys.find("dbname");
  if (db != keys.end()) conn_args_.push_back(db->second);  // the positional argument: last
}

std::vector<std::string> pgbench_runner::command(std::vector<std::string> args) const {
  args.insert(args.begin(), binary_);
  args.insert(args.end(), conn_args_.begin(), conn_args_.end());
  return args;
}

process_result pgbench_runner::run_checked_process(std::vector<std::string> args) const {
  auto cmd = command(std::move(args));
  auto r = run_process(cmd, env_);
  if (r.exit_code != 0) {
    std::string line;
    for (const auto& a : cmd) line += (line.empty() ? "" : " ") + a;
    throw std::runtime_error(line + " exited with " + std::to_string(r.exit_code) + ":\n" +
                             r.output);
  }
  return r;
}

std::string pgbench_runner::run_checked(std::vector<std::string> args) const {
  return run_checked_process(std::move(args)).output;
}

void pgbench_runner::init(int scale) const {
  run_checked({"-i", "-q", "-s", std::to_string(scale)});
}

pgbench_result pgbench_runner::run(int clients, int seconds,
                                   const std::vector<std::string>& extra) const {
  auto n = std::to_string(clients);
  std::vector<std::string> args{"-M", "prepared", "-c", n, "-j", n, "-T", std::to_string(seconds)};
  args.insert(args.end(), extra.begin(), extra.end());
  auto p = run_checked_process(std::move(args));
  auto out = parse_pgbench_output(p.output);
  out.cpu_us = p.cpu_us;
  out.context_switches = p.context_switches;
  return out;
}

std::string pgbench_runner::run_args(std::vector<std::string> args) const {
  return run_checked(std::move(args));
}

pgbench_result parse_pgbench_output(const std::string& output) {
  static const std::regex tps{R"(tps = ([0-9.]+))"};
  static const std::regex latency{R"(latency average = ([0-9.]+) ms)"};
  std::smatch m;
  pgbench_result out;
  if (!std::regex_search(output, m, tps))
    throw std::runtime_error("no \"tps = \" line in pgbench's output:\n" + output);
  out.tps = std::stod(m[1]);
  if (std::regex_search(output, m, latency)) out.latency_avg_ms = std::stod(m[1]);
  static const std::regex processed{R"(actually processed: ([0-9]+))"};
  static const std::regex failed{R"(number of failed transactions: ([0-9]+))"};
  if (std::regex_search(output, m, processed)) out.transactions = std::stoll(m[1]);
  if (std::regex_search(output, m, failed)) out.failed = std::stoll(m[1]);
  return out;
}

}  // namespace bench
