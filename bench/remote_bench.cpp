// actortx-bench-remote: what a node hop costs. (a) Latency of one call of a trivial procedure
// ("ping") run locally (runtime::call) vs on another node process over loopback plain TCP and
// over loopback TLS, through runtime::call_on and through a request to the peer's handle (as
// an actor would send it), in interleaved blocks so that load from elsewhere hits all paths
// alike; the added latency is remote minus local. (b) Throughput of 8 client threads calling
// the same procedure on 1 node vs spread over 2 nodes (and locally, for reference), in rounds
// of alternating order. The nodes are this program started again with --serve, all on one
// PostgreSQL; certificates are made for the run with the openssl CLI. A benchmark, not a test:
// only failed calls make it fail.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "dist/child_process.hpp"
#include "dist/test_certs.hpp"
#include "latency.hpp"
#include "remote_node.hpp"
#include "subprocess.hpp"
#include "timed_phase.hpp"

namespace {

using namespace std::chrono_literals;
using actortx::procedure_call;
using actortx::runtime;

struct bench_options {
  std::string dsn;
  int requests = 3000;  // per path, for latency
  int block = 100;      // latency calls per path before switching to the next
  int clients = 8;
  int seconds = 5;  // measured seconds per throughput cell and round
  int rounds = 2;
  int warmup = 1;
  size_t pool = 8;
  std::string log_level = "warn";
  // Hidden: the node processes.
  std::string serve_id;
  std::string tls_dir;
};

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

/// One call of "ping"; throws with the outcome when it did not commit.
using call_fn = std::function<void()>;

void check(const actortx::tx_outcome& out) {
  if (!out.committed()) throw std::runtime_error(actortx::describe(out));
}

actortx::tx_options ping_options(runtime& rt) {
  auto opts = rt.default_options();
  opts.label = "ping";
  return opts;
}

/// Through the blocking API: runtime::call, or runtime::call_on (which asks the node directory
/// for the peer's handle on every call).
call_fn api_caller(runtime& rt, const std::string& node) {
  return [&rt, node, opts = ping_options(rt), n = int64_t{0}]() mutable {
    auto call = procedure_call::make("ping", ++n);
    check(node.empty() ? rt.call(opts, call) : rt.call_on(node, opts, call));
  };
}

/// As an actor would call: the peer's supervisor handle looked up once (runtime::node), then
/// a request per call.
call_fn handle_caller(runtime& rt, const std::string& node) {
  return [&rt, h = rt.node(node), opts = ping_options(rt), n = int64_t{0}]() mutable {
    caf::scoped_actor self{rt.system()};
    actortx::tx_outcome out;
    self->request(h, 30s, actortx::run_atom::value, opts, procedure_call::make("ping", ++n))
        .receive([&](actortx::tx_outcome& o) { out = std::move(o); },
                 [&](caf::error& err) { out.message = rt.system().render(err); });
    check(out);
  };
}

struct path {
  std::string name;
  call_fn call;
  std::vector<int64_t> ns;
};

void measure_latency(std::vector<path>& paths, const bench_options& o) {
  for (auto& p : paths)
    for (int i = 0; i < 200; ++i) p.call();  // connections, TLS sessions, caches
  for (int done = 0; done < o.requests; done += o.block) {
    for (auto& p : paths) {
      for (int i = 0; i < o.block && done + i < o.requests; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        p.call();
        p.ns.push_back((std::chrono::steady_clock::now() - t0).count());
      }
    }
  }
}

void print_latency(std::vector<path>& paths, const bench_options& o) {
  auto& local = paths.front();
  const double lp50 = bench::percentile_us(local.ns, 0.50);
  const double lp99 = bench::percentile_us(local.ns, 0.99);
  std::cout << "\nLatency of one call, 1 client, " << o.requests << " calls per path interleaved "
            << "in blocks of " << o.block << " (us; added = remote - local)\n\n"
            << "| path | p50 | p99 | mean | added p50 | added p99 |\n"
            << "|---|---:|---:|---:|---:|---:|\n";
  for (auto& p : paths) {
    double sum = 0;
    for (auto v : p.ns) sum += static_cast<double>(v);
    const double p50 = bench::percentile_us(p.ns, 0.50);
    const double p99 = bench::percentile_us(p.ns, 0.99);
    const bool is_local = &p == &local;
    std::cout << "| " << p.name << " | " << num(p50, 0) << " | " << num(p99, 0) << " | "
              << num(sum / static_cast<double>(p.ns.size()) / 1000.0, 0) << " | "
              << (is_local ? "-" : num(p50 - lp50, 0)) << " | "
              << (is_local ? "-" : num(p99 - lp99, 0)) << " |\n";
  }
}

struct cell {
  std::string name;
  std::function<call_fn(int)> make;  // the call of client i
  bench::phase_result total;

  void add(const bench::phase_result& r) {
    total.transactions += r.transactions;
    total.errors += r.errors;
    total.seconds += r.seconds;
    if (total.first_error.empty()) total.first_error = r.first_error;
    total.latencies_ns.insert(total.latencies_ns.end(), r.latencies_ns.begin(),
                              r.latencies_ns.end());
  }
};

/// Every cell once per round, in alternating order, so that drift in the machine's load (it is
/// shared) spreads over all cells.
void measure_throughput(std::vector<cell>& cells, const bench_options& o) {
  bench::phase_settings s;
  s.clients = o.clients;
  s.warmup = std::chrono::duration<double>(o.warmup);
  s.measure = std::chrono::duration<double>(o.seconds);
  for (int round = 0; round < o.rounds; ++round) {
    for (size_t k = 0; k < cells.size(); ++k) {
      auto& c = cells[round % 2 == 0 ? k : cells.size() - 1 - k];
      c.add(bench::run_phase(s, [&](int i) -> bench::client_fn {
        auto call = c.make(i);
        return [call] {
          call();
          return true;
        };
      }));
    }
  }
}

void print_throughput(std::vector<cell>& cells, const bench_options& o) {
  std::cout << "\nThroughput, " << o.clients << " client threads in this process, " << o.rounds
            << " round(s) of " << o.seconds << " s per cell after " << o.warmup
            << " s warm-up, pool " << o.pool << " per runtime\n\n"
            << "| where ping runs | calls/s | p50 (us) | p99 (us) | errors |\n"
            << "|---|---:|---:|---:|---:|\n";
  for (auto& c : cells) {
    auto& r = c.total;
    std::cout << "| " << c.name << " | " << num(r.tps(), 0) << " | "
              << num(bench::percentile_us(r.latencies_ns, 0.50), 0) << " | "
              << num(bench::percentile_us(r.latencies_ns, 0.99), 0) << " | " << r.errors
              << (r.first_error.empty() ? "" : " (" + r.first_error + ")") << " |\n";
  }
}

std::unique_ptr<actortx::test::child_process> start_node(const bench_options& o,
                                                         const std::string& dsn,
                                                         const std::string& id,
                                                         const std::string& tls_dir,
                                                         uint16_t& port) {
  std::vector<std::string> argv{
      bench::self_exe(),      "--serve",     id,         "--dsn", dsn, "--pool",
      std::to_string(o.pool), "--log-level", o.log_level};
  if (!tls_dir.empty()) {
    argv.push_back("--tls-dir");
    argv.push_back(tls_dir);
  }
  auto p = std::make_unique<actortx::test::child_process>(std::move(argv));
  port = static_cast<uint16_t>(std::stoi(p->wait_for_line("listening on ", 60s)));
  return p;
}

actortx::runtime_config client_config(const bench_options& o, const std::string& dsn) {
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.sagas.node_id = "bench";
  cfg.pool.min = o.pool;
  cfg.pool.max = o.pool;
  cfg.log_level = o.log_level;
  bench::remote::define_ping(cfg.procedures);  // for the local calls
  return cfg;
}

int run(const bench_options& o) {
  actortx::set_log_level(o.log_level);
  auto db = actortx::dsn_or_embedded(o.dsn);  // destroyed last: the server goes at the end
  actortx::test::test_pki pki{{"tls-1", "tls-2", "bench"}};
  std::cerr << "remote benchmark on " << actortx::dsn_target(db.dsn)
            << (db.embedded ? " (embedded)" : "") << "; starting 3 node processes\n";
  uint16_t tls1 = 0, tls2 = 0, plain = 0;
  auto n1 = start_node(o, db.dsn, "tls-1", pki.dir(), tls1);
  auto n2 = start_node(o, db.dsn, "tls-2", pki.dir(), tls2);
  auto n3 = start_node(o, db.dsn, "plain-1", "", plain);

  // A runtime speaks TLS or plain TCP: one of each, both in this process.
  auto tls_cfg = client_config(o, db.dsn);
  pki.use(tls_cfg.node, "bench");
  tls_cfg.node.peers = {{"tls-1", "127.0.0.1:" + std::to_string(tls1)},
                        {"tls-2", "127.0.0.1:" + std::to_string(tls2)}};
  auto plain_cfg = client_config(o, db.dsn);
  plain_cfg.node.plain_tcp = true;
  plain_cfg.node.peers = {{"plain-1", "127.0.0.1:" + std::to_string(plain)}};
  auto rt = std::make_unique<runtime>(std::move(tls_cfg));
  auto rt_plain = std::make_unique<runtime>(std::move(plain_cfg));

  std::vector<path> paths{
      {"local: runtime::call", api_caller(*rt, ""), {}},
      {"remote, plain TCP: runtime::call_on", api_caller(*rt_plain, "plain-1"), {}},
      {"remote, TLS: runtime::call_on", api_caller(*rt, "tls-1"), {}},
      {"remote, plain TCP: request to runtime::node() handle",
       handle_caller(*rt_plain, "plain-1"),
       {}},
      {"remote, TLS: request to runtime::node() handle", handle_caller(*rt, "tls-1"), {}}};
  measure_latency(paths, o);

  auto& r = *rt;
  auto node_of = [](int i) { return std::string{i % 2 == 0 ? "tls-1" : "tls-2"}; };
  std::vector<cell> cells{
      {"local: runtime::call", [&](int) { return api_caller(r, ""); }, {}},
      {"1 node, TLS: call_on", [&](int) { return api_caller(r, "tls-1"); }, {}},
      {"2 nodes, TLS: call_on", [&](int i) { return api_caller(r, node_of(i)); }, {}},
      {"1 node, TLS: node() handle", [&](int) { return handle_caller(r, "tls-1"); }, {}},
      {"2 nodes, TLS: node() handle", [&](int i) { return handle_caller(r, node_of(i)); }, {}}};
  measure_throughput(cells, o);
  rt_plain.reset();  // before the nodes go: they would be reported lost
  rt.reset();

  std::cout << "\nactortx-bench-remote, server " << actortx::dsn_target(db.dsn)
            << (db.embedded ? " embedded" : "") << ", " << std::thread::hardware_concurrency()
            << " cores shared by the 3 node processes, this process and PostgreSQL\n";
  print_latency(paths, o);
  print_throughput(cells, o);
  int failed = 0;
  for (auto& c : cells) failed += c.total.errors > 0;
  for (auto* n : {n1.get(), n2.get(), n3.get()})
    if (n->stop() != 0) ++failed;
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{
      "Remote vs local calls: added latency per request and throughput over 1 and 2 nodes"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--requests", o.requests, "latency: calls per path")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--block", o.block, "latency: calls per path before switching")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--clients", o.clients, "throughput: client threads")->check(CLI::Range(1, 1000));
  app.add_option("--seconds", o.seconds, "throughput: measured seconds per cell")
      ->check(CLI::Range(1, 3600));
  app.add_option("--rounds", o.rounds, "throughput: rounds over all cells (order alternates)")
      ->check(CLI::Range(1, 100));
  app.add_option("--warmup", o.warmup, "throughput: warm-up seconds per cell")
      ->check(CLI::Range(0, 600));
  app.add_option("--pool", o.pool, "connections per runtime (nodes and this process)")
      ->check(CLI::Range(size_t{1}, size_t{100}));
  app.add_option("--log-level", o.log_level, "actortx log level");
  app.add_option("--serve", o.serve_id, "internal: run as the node of this id")->group("");
  app.add_option("--tls-dir", o.tls_dir, "internal: the node's certificates")->group("");
  CLI11_PARSE(app, argc, argv);
  try {
    if (!o.serve_id.empty())
      return bench::remote::serve(o.dsn, o.serve_id, o.tls_dir, o.pool, o.log_level);
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-remote: " << e.what() << "\n";
    return 1;
  }
}
