#include "pg_server.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <pqxx/pqxx>

#include <actortx/tooling/embedded_postgres.hpp>

#include "subprocess.hpp"

namespace bench {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// postmaster.opts is one line: the binary's path, then every argument in double quotes.
std::vector<std::string> parse_postmaster_opts(const std::string& line) {
  std::vector<std::string> out;
  auto first = line.find(" \"");
  out.push_back(line.substr(0, first));
  for (auto pos = first; pos != std::string::npos;) {
    auto open = line.find('"', pos);
    if (open == std::string::npos) break;
    auto close = line.find('"', open + 1);
    if (close == std::string::npos) throw std::runtime_error("unreadable postmaster.opts");
    out.push_back(line.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return out;
}

std::string single_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

/// As root the cluster runs as `postgres` (PostgreSQL refuses root), and so must pg_ctl.
std::string runuser() {
  for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"})
    if (::access(p, X_OK) == 0) return p;
  throw std::runtime_error("running as root, but runuser (util-linux) is missing");
}

}  // namespace

std::string server_setting(const std::string& dsn, const std::string& name) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w.exec_params1("SELECT current_setting($1)", name)[0].as<std::string>();
}

std::string server_settings(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  std::string out = "PostgreSQL " + w.exec1("SHOW server_version")[0].as<std::string>();
  for (const char* name : {"fsync", "synchronous_commit", "full_page_writes"})
    out += std::string{", "} + name + "=" +
           w.exec_params1("SELECT current_setting($1)", name)[0].as<std::string>();
  return out;
}

void make_durable(const actortx::embedded_postgres& pg, const std::string& dsn) {
  auto opts_file = read_all(pg.data_dir() + "/postmaster.opts");
  auto args = parse_postmaster_opts(opts_file.substr(0, opts_file.find('\n')));
  const std::string binary = args.front();
  std::string opts;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-D") {  // pg_ctl passes its own -D
      ++i;
      continue;
    }
    if (args[i] == "fsync=off") args[i] = "fsync=on";
    if (args[i] == "full_page_writes=off") args[i] = "full_page_writes=on";
    opts += (opts.empty() ? "" : " ") + single_quote(args[i]);
  }
  const std::string bin_dir = binary.substr(0, binary.rfind('/'));
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {runuser(), "-u", "postgres", "--"};
  argv.insert(argv.end(), {bin_dir + "/pg_ctl", "restart", "-m", "fast", "-w", "-t", "60", "-D",
                           pg.data_dir(), "-l", pg.base_dir() + "/postgres.log", "-o", opts});
  auto r = run_process(argv);
  if (r.exit_code != 0)
    throw std::runtime_error("pg_ctl restart (fsync=on) exited with " +
                             std::to_string(r.exit_code) + ":\n" + r.output);
  if (server_setting(dsn, "fsync") != "on" || server_setting(dsn, "full_page_writes") != "on")
    throw std::runtime_error("the embedded cluster restarted, but not with fsync=on");
}

actortx::postgres_target open_server(const std::string& dsn, bool durable) {
  if (actortx::choose_postgres_source(dsn) == actortx::postgres_source::embedded)
    std::cerr << "starting an embedded PostgreSQL\n";
  auto db = actortx::dsn_or_embedded(dsn);
  if (durable) {
    if (!db.embedded) throw std::runtime_error("--durable applies to the embedded cluster only");
    std::cerr << "restarting the embedded cluster with fsync=on, full_page_writes=on\n";
    make_durable(*db.embedded, db.dsn);
  }
  return db;
}

std::string load_average() {
  std::ifstream f{"/proc/loadavg"};
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace bench
