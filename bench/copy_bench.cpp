// Bulk load: N rows of a five-column table (bigint, text, numeric, timestamptz given as text,
// bool) loaded three ways in one transaction each, interleaved over several rounds:
// tx::copy_from, one prepared INSERT per row through tx::exec, and psql's \copy of a CSV file
// of the same rows. Reports rows/s and client CPU per row beside the server's durability.
#include <libpq-fe.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "command_line.hpp"
#include "pg_server.hpp"
#include "subprocess.hpp"

namespace {

namespace fs = std::filesystem;

struct bench_options {
  std::string dsn;
  bool durable = false;
  long rows = 100000;
  int rounds = 3;
  std::string psql;
  std::string log_level = "warning";
};

/// One load: how long it took (wall) and the CPU of the loading client (this process, or psql).
struct sample {
  double seconds = 0;
  double client_cpu_us = 0;
};

const std::vector<std::string> columns{"id", "name", "amount", "created", "active"};
const char* const create_table =
    "CREATE TABLE bench_copy (id bigint PRIMARY KEY, name text, amount numeric(12,2), "
    "created timestamptz, active bool)";

void exec(const std::string& dsn, const std::string& sql) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec(sql);
}

long count_rows(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w.exec1("SELECT count(*) FROM bench_copy")[0].as<long>();
}

/// Row i: a name (NULL every 50th, some with a tab or a quote), an amount, a timestamp.
std::vector<actortx::sql_value> make_row(long i) {
  using actortx::sql_value;
  char created[64];
  std::snprintf(created, sizeof created, "2024-%02ld-%02ld %02ld:%02ld:%02ld.%06ld+00", 1 + i % 12,
                1 + i % 28, i % 24, i % 60, (i / 60) % 60, (i * 7919) % 1000000);
  char amount[32];
  std::snprintf(amount, sizeof amount, "%ld.%02ld", (i * 37) % 100000, i % 100);
  std::string name = "customer " + std::to_string(i);
  if (i % 10 == 3) name += "\tO'Brien \"quoted\"";
  return {sql_value::of(static_cast<int64_t>(i)),
          i % 50 == 0 ? sql_value::null() : sql_value::of(name), sql_value::of(std::string{amount}),
          sql_value::of(std::string{created}), sql_value::of(i % 3 == 0)};
}

/// The rows as CSV: NULL as an unquoted empty field, every value quoted.
void write_csv(const std::string& path, const std::vector<std::vector<actortx::sql_value>>& rows) {
  std::ofstream out{path, std::ios::binary};
  std::string line;
  for (const auto& row : rows) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += ',';
      if (row[i].is_null) continue;
      line += '"';
      for (char c : row[i].text) line += c == '"' ? std::string{"\"\""} : std::string(1, c);
      line += '"';
    }
    line += '\n';
    out << line;
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

double process_cpu_us() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + t.tv_usec; };
  return us(u.ru_utime) + us(u.ru_stime);
}

/// Times `load` (wall and this process's CPU) and checks that it committed every row.
template <class F>
sample timed(const std::string& dsn, long expected, F&& load) {
  const double cpu0 = process_cpu_us();
  const auto t0 = std::chrono::steady_clock::now();
  load();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
  const double cpu = process_cpu_us() - cpu0;
  const long n = count_rows(dsn);
  if (n != expected)
    throw std::runtime_error("loaded " + std::to_string(n) + " rows, expected " +
                             std::to_string(expected));
  return {wall.count(), cpu};
}

void commit_or_throw(const actortx::tx_outcome& out) {
  if (!out.committed()) throw std::runtime_error(actortx::describe(out));
}

/// psql's connection, from the DSN: each keyword as the environment variable libpq documents
/// for it (PQconndefaults), so that no password reaches psql's command line.
std::vector<std::pair<std::string, std::string>> libpq_environment(const std::string& dsn) {
  std::map<std::string, std::string> vars;
  PQconninfoOption* defaults = PQconndefaults();
  if (defaults == nullptr) throw std::runtime_error("PQconndefaults failed");
  for (const auto& [key, value] : actortx::parse_dsn(dsn)) {
    const PQconninfoOption* o = defaults;
    while (o->keyword != nullptr && key != o->keyword) ++o;
    if (o->keyword == nullptr || o->envvar == nullptr) {
      PQconninfoFree(defaults);
      throw std::runtime_error("DSN keyword " + key + " has no environment variable for psql");
    }
    vars[o->envvar] = value;
  }
  PQconninfoFree(defaults);
  return {vars.begin(), vars.end()};
}

/// A directory of our own under /tmp for the CSV file, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    char name[] = "/tmp/actortx-bench-copy-XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string find_psql(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs{path};
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && ::access((dir + "/psql").c_str(), X_OK) == 0) return dir + "/psql";
  }
  throw std::runtime_error("psql not found (install postgresql-client or pass --psql)");
}

struct loaders {
  actortx::runtime& rt;
  actortx::tx_options opts;
  const std::vector<std::vector<actortx::sql_value>>& rows;
  const std::vector<actortx::statement>& inserts;
  std::vector<std::string> psql_argv;
  std::vector<std::pair<std::string, std::string>> psql_env;

  void copy_from() const {
    commit_or_throw(
        rt.transact(opts, [this](actortx::tx& t) { t.copy_from("bench_copy", columns, rows); }));
  }
  void insert() const {
    commit_or_throw(rt.transact(opts, [this](actortx::tx& t) {
      for (const auto& st : inserts) t.exec(st);
    }));
  }
  /// psql's own CPU, from wait4, replaces ours (which only waited).
  double psql_copy() const {
    auto r = bench::run_process(psql_argv, psql_env);
    if (r.exit_code != 0) throw std::runtime_error("psql failed: " + r.output);
    return r.cpu_us;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string range(std::vector<double> v, int precision) {
  std::sort(v.begin(), v.end());
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v[v.size() / 2] << " (" << v.front() << "–"
    << v.back() << ")";
  return s.str();
}

void print_report(const bench_options& o, const std::string& command, const std::string& target,
                  const std::string& settings, const std::string& load,
                  const std::vector<std::string>& methods,
                  const std::vector<std::vector<sample>>& results) {
  std::cout << "actortx-bench-copy: " << o.rows
            << " rows (bigint, text, numeric, timestamptz, bool; primary key) loaded in one "
               "transaction, three ways interleaved\n"
            << "command: " << command << "\nserver: " << target << ", " << settings
            << "\nload average before: " << load << "\nrounds: " << o.rounds << "\n\n";
  std::cout << "| method | rows/s median (min–max) | vs INSERT | client CPU µs/row median "
               "(min–max) |\n"
            << "|---|---:|---:|---:|\n";
  auto rates = [&](const std::vector<sample>& samples) {
    std::vector<double> rate;
    for (const auto& s : samples) rate.push_back(static_cast<double>(o.rows) / s.seconds);
    return rate;
  };
  const double insert_median = median(rates(results[1]));
  for (size_t m = 0; m < methods.size(); ++m) {
    std::vector<double> cpu;
    for (const auto& s : results[m]) cpu.push_back(s.client_cpu_us / static_cast<double>(o.rows));
    std::ostringstream ratio;
    ratio << std::fixed << std::setprecision(1) << median(rates(results[m])) / insert_median << "×";
    std::cout << "| " << methods[m] << " | " << range(rates(results[m]), 0) << " | " << ratio.str()
              << " | " << range(cpu, 2) << " |\n";
  }
  std::cout << "\nrows/s: rows / wall time of the load (psql: its whole run, start and connect "
               "included). Client CPU: user + system of the loading process (actortx: this "
               "process, all threads; psql: psql itself), not the server's.\n";
}

int run(const bench_options& o, const std::string& command) {
  actortx::set_log_level(o.log_level);
  auto db = bench::open_server(o.dsn, o.durable);  // destroyed last: the server goes at the end
  const std::string& dsn = db.dsn;
  const auto settings = bench::server_settings(dsn);
  const auto target = actortx::dsn_target(dsn) + (db.embedded ? " (embedded)" : "");
  exec(dsn, "DROP TABLE IF EXISTS bench_copy");
  exec(dsn, create_table);

  std::cerr << "generating " << o.rows << " rows\n";
  std::vector<std::vector<actortx::sql_value>> rows;
  std::vector<actortx::statement> inserts;
  rows.reserve(static_cast<size_t>(o.rows));
  inserts.reserve(static_cast<size_t>(o.rows));
  for (long i = 0; i < o.rows; ++i) {
    rows.push_back(make_row(i));
    inserts.push_back(
        {"INSERT INTO bench_copy (id, name, amount, created, active) VALUES "
         "($1, $2, $3, $4, $5)",
         rows.back()});
  }
  const temp_dir dir;
  const std::string csv = dir.path() + "/rows.csv";
  write_csv(csv, rows);

  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = cfg.pool.max = 1;
  cfg.retention.prune_interval = std::chrono::milliseconds(0);  // no pruning mid-measurement
  cfg.log_level = o.log_level;
  cfg.transactions.long_running_threshold = std::chrono::hours(1);  // a long load is the point
  actortx::runtime rt{cfg};
  auto opts = rt.default_options();
  opts.label = "bench.copy";
  opts.timeout = std::chrono::minutes(10);
  const loaders load{rt,
                     opts,
                     rows,
                     inserts,
                     {find_psql(o.psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                      "\\copy bench_copy (id, name, amount, created, active) FROM '" + csv +
                          "' WITH (FORMAT csv)"},
                     libpq_environment(dsn)};

  const auto load_average = bench::load_average();
  const std::vector<std::string> methods{"tx::copy_from", "INSERT per row (tx::exec, prepared)",
                                         "psql \\copy (CSV file)"};
  std::vector<std::vector<sample>> results(methods.size());  // by method, as listed
  for (int round = 0; round < o.rounds; ++round) {
    for (size_t k = 0; k < methods.size(); ++k) {
      const size_t m = (k + static_cast<size_t>(round)) % methods.size();  // rotating first
      exec(dsn, "TRUNCATE bench_copy");
      exec(dsn, "CHECKPOINT");  // every load starts with the same WAL and dirty-page state
      std::cerr << "round " << round + 1 << ": " << methods[m] << '\n';
      double psql_cpu = 0;
      auto s = timed(dsn, o.rows, [&] {
        if (m == 0) load.copy_from();
        if (m == 1) load.insert();
        if (m == 2) psql_cpu = load.psql_copy();
      });
      if (m == 2) s.client_cpu_us = psql_cpu;
      results[m].push_back(s);
    }
  }
  print_report(o, command, target, settings, load_average, methods, results);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"Bulk load: tx::copy_from vs one INSERT per row vs psql \\copy"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_flag("--durable", o.durable,
               "restart the embedded server with fsync=on and full_page_writes=on first");
  app.add_option("--rows", o.rows, "rows per load")->check(CLI::Range(1L, 100000000L));
  app.add_option("--rounds", o.rounds, "interleaved rounds (every method once per round)")
      ->check(CLI::Range(1, 100));
  app.add_option("--psql", o.psql, "psql binary (default: the first on PATH)");
  app.add_option("--log-level", o.log_level, "actortx log level");
  CLI11_PARSE(app, argc, argv);
  const std::string command = bench::command_line(argc, argv);  // password redacted
  try {
    return run(o, command);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-copy: error: " << e.what() << '\n';
    return 3;
  }
}
