#include "worker_main.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include <actortx/runtime.hpp>

#include "bank_procedures.hpp"
#include "options.hpp"
#include "run_checks.hpp"
#include "settings.hpp"
#include "stop_signal.hpp"

namespace stress {

namespace {

/// Reads all of `fd` (the coordinator wrote the DSN and closed its end) into `out`.
bool read_secret(int fd, std::string& out) {
  char buf[512];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return !out.empty();
}

/// The coordinator holds the other end: EOF means it is gone (even by SIGKILL), and a worker
/// must never outlive its run.
void watch_lifeline(int fd) {
  std::thread{[fd] {
    char b;
    while (::read(fd, &b, 1) > 0) {
    }
    request_stop();
  }}.detach();
}

/// A worker must never outlive its run: should the runtime's shutdown hang (it did once, in
/// ~actor_system), leave anyway.
void bound_shutdown() {
  std::thread{[] {
    std::this_thread::sleep_for(std::chrono::seconds(15));
    std::cerr << "worker: shutdown took over 15 s, exiting without it" << std::endl;
    ::_exit(exit_startup);
  }}.detach();
}

actortx::runtime_config worker_settings_of(const options& o, const std::string& dsn,
                                           const std::string& node_id, int port,
                                           const std::string& tls_dir) {
  auto cfg = runtime_settings(o, dsn);
  cfg.sagas.node_id = node_id;  // stable across restarts: the node takes back what it left
  cfg.node.listen = "127.0.0.1:" + std::to_string(port);
  if (tls_dir.empty()) {
    cfg.node.plain_tcp = true;
  } else {
    cfg.node.tls_cert = tls_dir + "/node.pem";  // node_files.cpp makes them
    cfg.node.tls_key = tls_dir + "/node.key";
    cfg.node.tls_ca = tls_dir + "/ca.pem";
  }
  define_bank_procedures(cfg.procedures);
  return cfg;
}

}  // namespace

bool is_worker_invocation(int argc, char** argv) {
  return argc > 1 && std::strcmp(argv[1], "--worker") == 0;
}

int worker_main(int argc, char** argv) {
  options o;  // the coordinator's settings that matter here: pool, timeout, isolation
  std::string name, node_id, dsn, isolation_text = "read_committed", tls_dir, run, deadlines_file;
  int64_t timeout_ms = 5000;
  int port = 0, ready_fd = -1, lifeline_fd = -1, dsn_fd = -1;
  CLI::App app{"actortx-stress worker node (started by actortx-stress --nodes)"};
  app.add_option("--worker", name)->required();
  app.add_option("--node-id", node_id)->required();
  app.add_option("--dsn-fd", dsn_fd)->required();  // never --dsn: argv is public
  app.add_option("--listen-port", port);
  app.add_option("--pool", o.pool);
  app.add_option("--timeout", timeout_ms);
  app.add_option("--isolation", isolation_text);
  app.add_option("--log-level", o.log_level);
  app.add_option("--tls-dir", tls_dir);
  app.add_option("--run", run);
  app.add_option("--deadlines-file", deadlines_file);
  app.add_option("--ready-fd", ready_fd)->required();
  app.add_option("--lifeline-fd", lifeline_fd)->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  o.timeout = std::chrono::milliseconds{timeout_ms};
  if (!read_secret(dsn_fd, dsn)) {
    std::cerr << "worker " << name << ": no DSN on --dsn-fd " << dsn_fd << '\n';
    return exit_usage;
  }
  if (!actortx::parse_isolation(isolation_text, o.level)) {
    std::cerr << "worker " << name << ": --isolation: " << isolation_text << " is invalid\n";
    return exit_usage;
  }

  install_stop_handlers();
  watch_lifeline(lifeline_fd);

  try {
    actortx::runtime rt{worker_settings_of(o, dsn, node_id, port, tls_dir)};
    const std::string ready = "ready " + std::to_string(rt.node_port()) + "\n";
    if (::write(ready_fd, ready.data(), ready.size()) < 0) return exit_startup;
    ::close(ready_fd);
    std::cerr << "worker " << name << " (node " << node_id
              << ") serves on 127.0.0.1:" << rt.node_port() << std::endl;
    while (!stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::cerr << "worker " << name << " stopping" << std::endl;
    // This incarnation's records of the run's transactions against their deadline, for the
    // coordinator's invariant check (an incarnation killed by a fault leaves none).
    if (!deadlines_file.empty())
      std::ofstream{deadlines_file} << to_text(check_runtime_deadlines(rt, o, run + ":"));
    bound_shutdown();
  } catch (const std::exception& e) {
    std::cerr << "worker " << name << ": error: " << e.what() << std::endl;
    return exit_startup;
  }
  return exit_ok;
}

}  // namespace stress
