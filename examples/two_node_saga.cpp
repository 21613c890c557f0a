// A saga across two CAF nodes over TLS. Node A owns the saga and the payer's database; node B
// owns the payee's database and offers two procedures, "credit" and "uncredit". The saga's
// first step debits on A, its second step is the procedure "credit" on node B, so no code and
// no SQL travels — only the procedure's name and typed arguments. A failed credit (a frozen
// account) is compensated by refunding the debit on A.
//
//   two_node_saga [DSN]                      the whole demo in one command: a CA and node
//                                            certificates (openssl CLI), two databases on the
//                                            DSN's server (see example_usage.hpp), node B as a
//                                            child process, node A here
//   two_node_saga node-b DSN CERTDIR PORT    node B: publishes on 127.0.0.1:PORT (0: any;
//                                            prints "listening on N"), until SIGTERM / Ctrl-C
//   two_node_saga node-a DSN CERTDIR PORT    node A: runs two transfers against B at PORT
//
// CERTDIR holds ca.pem and a.pem/a.key, b.pem/b.key, signed by that CA (see make_certificates).
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using actortx::procedure_call;
using actortx::saga_context;
using actortx::tx;

namespace {

const example::usage usage{
    "two_node_saga [DSN]\n"
    "       two_node_saga node-b DSN CERTDIR PORT\n"
    "       two_node_saga node-a DSN CERTDIR PORT",
    "A saga across two CAF nodes over TLS: node A owns the saga and debits the payer; node B\n"
    "offers the procedures \"credit\" and \"uncredit\", called by name with typed arguments.\n"
    "A credit to a frozen account is compensated by refunding the debit. Without a role, the\n"
    "whole demo: a CA and node certificates (openssl command line), databases\n"
    "actortx_two_node_a and actortx_two_node_b next to the DSN's (needs CREATE DATABASE), node\n"
    "B as a child process and node A here.",
    "  node-b       run node B: publish on 127.0.0.1:PORT until SIGTERM or Ctrl-C\n"
    "  node-a       run node A: two transfers against node B at 127.0.0.1:PORT\n"
    "  DSN          the PostgreSQL to use (optional for the demo, see below)\n"
    "  CERTDIR      ca.pem, and a.pem/a.key, b.pem/b.key signed by that CA\n"
    "  PORT         node B's port (node-b: 0 picks a free one, printed as \"listening on N\")\n"};

/// TLS material of node `name` in `dir`: its certificate and key, and the CA of its peers.
void use_tls(actortx::runtime_config& cfg, const std::string& dir, const std::string& name) {
  cfg.node.tls_cert = dir + "/" + name + ".pem";
  cfg.node.tls_key = dir + "/" + name + ".key";
  cfg.node.tls_ca = dir + "/ca.pem";
}

void create_accounts(actortx::runtime& rt, const std::string& rows) {
  auto out = rt.transact([&](tx& t) {
    t.exec(
        "CREATE TABLE IF NOT EXISTS account(id int PRIMARY KEY, balance bigint NOT NULL, "
        "frozen boolean NOT NULL DEFAULT false)");
    t.exec("DELETE FROM account");
    t.exec("INSERT INTO account(id, balance, frozen) VALUES " + rows);
  });
  out.throw_if_failed();
}

int run_node_b(const std::string& dsn, const std::string& certs, const std::string& port) {
  // Blocked before any thread starts, so that sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.max = 2;
  cfg.log_level = "error";
  cfg.sagas.node_id = "b";
  cfg.node.listen = "127.0.0.1:" + port;
  use_tls(cfg, certs, "b");
  using actortx::value_kind;
  cfg.procedures.define(
      "credit", {{"to", value_kind::integer}, {"amount", value_kind::integer}},
      [](tx& t, const actortx::proc_args& a) {
        auto r = t.exec(
            "UPDATE account SET balance = balance + $1 WHERE id = $2 AND NOT "
            "frozen",
            a.get_int("amount"), a.get_int("to"));
        if (r.affected_rows() != 1)
          throw actortx::rollback{"account " + a.get_text("to") + " is frozen or missing"};
      });
  cfg.procedures.define("uncredit", {{"to", value_kind::integer}, {"amount", value_kind::integer}},
                        [](tx& t, const actortx::proc_args& a) {
                          t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2",
                                 a.get_int("amount"), a.get_int("to"));
                        });
  actortx::runtime rt{cfg};
  create_accounts(rt, "(1, 0, false), (2, 0, true)");  // bob, carol (frozen)
  std::cout << "listening on " << rt.node_port() << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  return 0;
}

int64_t balance_sum(const actortx::tx_outcome& out) {
  return out.committed() ? std::stoll(out.results.at(0).rows.at(0).at(0).text) : -1;
}

int run_node_a(const std::string& dsn, const std::string& certs, const std::string& port_b) {
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.max = 2;
  cfg.log_level = "error";  // a compensated saga logs a warning; the output below says it all
  cfg.sagas.node_id = "a";
  cfg.node.peers["b"] = "127.0.0.1:" + port_b;  // A only calls out: it need not listen
  use_tls(cfg, certs, "a");

  actortx::step_options on_b;
  on_b.node = "b";
  actortx::saga_registry sagas;
  sagas.define("transfer")
      .step(
          "debit",  // on A's own database, in the same transaction as its saga log row
          [](tx& t, saga_context& ctx) {
            auto r =
                t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
                       ctx.get_int("amount"), ctx.get_int("from"));
            if (r.affected_rows() != 1) throw actortx::rollback{"insufficient funds"};
          },
          [](tx& t, saga_context& ctx) {  // refund
            t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2", ctx.get_int("amount"),
                   ctx.get_int("from"));
          })
      .step(
          "credit",  // the procedure on node B, with its arguments from the saga's context
          [](const saga_context& ctx) {
            return procedure_call::make("credit", ctx.get_int("to"), ctx.get_int("amount"));
          },
          // Needed even for the last step: if B committed the credit but its answer was lost
          // (B crashed), the saga learns it from B's database and undoes it.
          [](const saga_context& ctx) {
            return procedure_call::make("uncredit", ctx.get_int("to"), ctx.get_int("amount"));
          },
          on_b);

  actortx::runtime rt{cfg, std::move(sagas)};
  create_accounts(rt, "(1, 100, false)");  // alice

  actortx::tx_script sum;
  sum.add("SELECT coalesce(sum(balance), 0)::bigint FROM account");
  auto opts = rt.default_options();
  auto total = [&] {
    return balance_sum(rt.transact(opts, sum)) + balance_sum(rt.transact_on("b", opts, sum));
  };
  std::cout << "total before: " << total() << '\n';
  for (const auto& [to, amount] : {std::pair{1, 30}, std::pair{2, 20}}) {
    auto out = rt.run_saga(
        "transfer",
        {{"from", "1"}, {"to", std::to_string(to)}, {"amount", std::to_string(amount)}});
    std::cout << "transfer " << amount << " from A/1 to B/" << to << ": "
              << actortx::to_string(out.state) << '\n';
    for (const auto& s : out.steps)
      std::cout << "  " << s.name << ": " << actortx::to_string(s.state) << '\n';
    if (!out.message.empty()) std::cout << "  why: " << out.message << '\n';
  }
  // A procedure B does not have: a clear error, and B goes on serving.
  auto bad = rt.call_on("b", opts, procedure_call::make("drop_everything"));
  std::cout << "unknown procedure: " << actortx::to_string(bad.code) << ": " << bad.message << '\n';
  auto after = total();
  std::cout << "total after: " << after << '\n';
  return after == 100 ? 0 : 1;
}

/// A CA and a certificate per node signed by it, with the openssl command-line tool.
std::string make_certificates() {
  char tmpl[] = "/tmp/actortx-certs-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("cannot create a directory for the certificates");
  std::string dir = tmpl;
  std::string cmd = "(cd " + dir +
                    " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout ca.key "
                    "-out ca.pem -subj /CN=actortx-demo-ca";
  for (const char* n : {"a", "b"})
    cmd += std::string{" && openssl req -newkey rsa:2048 -nodes -keyout "} + n + ".key -out " + n +
           ".csr -subj /CN=" + n + " && openssl x509 -req -days 1 -in " + n +
           ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + n + ".pem";
  if (std::system((cmd + ") >/dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error(
        "openssl failed to make the demo certificates (apt-get install openssl)");
  return dir;
}

std::string create_database(const std::string& dsn, const std::string& name) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  if (w.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty())
    w.exec("CREATE DATABASE " + c.quote_name(name));
  return actortx::dsn_with(dsn, "dbname", name);
}

/// The whole demo: node B runs as a child process (this program, role node-b).
int run_demo(const char* self_path, const std::string& dsn) {
  auto certs = make_certificates();
  auto db = actortx::dsn_or_embedded(dsn);
  auto dsn_a = create_database(db.dsn, "actortx_two_node_a");
  auto dsn_b = create_database(db.dsn, "actortx_two_node_b");
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_t b = fork();
  if (b == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // node B ends with the demo, however the demo ends
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(self_path, self_path, "node-b", dsn_b.c_str(), certs.c_str(), "0", nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* from_b = fdopen(out[0], "r");
  char line[128] = {0};
  int port = 0;
  if (!fgets(line, sizeof line, from_b) || std::sscanf(line, "listening on %d", &port) != 1) {
    kill(b, SIGTERM);
    waitpid(b, nullptr, 0);
    throw std::runtime_error("node B did not start");
  }
  std::cout << "node B (pid " << b << ") listens on 127.0.0.1:" << port << " with TLS\n";
  int rc = run_node_a(dsn_a, certs, std::to_string(port));
  kill(b, SIGTERM);
  int status = 0;
  waitpid(b, &status, 0);
  fclose(from_b);
  std::system(("rm -rf " + certs).c_str());
  return rc;
}

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 4)) return *exit;
  std::string role = argc > 1 ? argv[1] : "";
  if (role != "node-a" && role != "node-b") {
    if (argc > 2) {
      std::cerr << "two_node_saga: too many arguments for the demo (a role is node-a or "
                   "node-b)\nRun with --help for usage.\n";
      return 2;
    }
    return run_demo(argv[0], role);  // the argument, if any, is the DSN
  }
  if (argc != 5) {
    std::cerr << "two_node_saga: " << role
              << " needs DSN CERTDIR PORT\nRun with --help for usage.\n";
    return 2;
  }
  return role == "node-b" ? run_node_b(argv[2], argv[3], argv[4])
                          : run_node_a(argv[2], argv[3], argv[4]);
} catch (const std::exception& e) {
  std::cerr << "two_node_saga: " << e.what() << '\n';
  return 1;
}
