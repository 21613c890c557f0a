// actortx-saga: an operator's view of an actortx saga log. Lists sagas, shows one with every
// step and its history, retries a FAILED saga and cancels a running one, through the same
// runtime calls an application has (runtime::list_sagas, saga, retry_saga, cancel_saga).
// Exit status: 0 done, 1 refused / not found / cannot connect, 2 bad usage.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <actortx/config_error.hpp>
#include <actortx/runtime.hpp>
#include <actortx/saga_operations.hpp>

#include "cli_input.hpp"
#include "cli_output.hpp"

using namespace actortx;
using namespace actortx::saga_cli;

namespace {

struct options {
  std::string dsn, dsn_file;
  bool json = false;
  std::vector<std::string> states;
  std::string type, since;
  uint32_t limit = 100;
  std::string id, reason, by;
};

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

saga_filter filter_of(const options& o) {
  saga_filter f;
  for (const auto& s : o.states) {
    saga_state st;
    if (!parse_saga_state(s, st))
      throw usage_error("--state " + s +
                        ": expected STARTED, EXECUTING, COMPENSATING, COMMITTED, COMPENSATED or "
                        "FAILED");
    f.states.push_back(st);
  }
  f.type = o.type;
  if (!o.since.empty()) f.since_unix_ms = parse_since(o.since, now_ms());
  if (o.limit < 1 || o.limit > 10000)
    throw usage_error("--limit " + std::to_string(o.limit) + ": must be 1..10000");
  f.limit = o.limit;
  return f;
}

/// A runtime without saga types: a small pool, no metrics, no dashboard, no pruning.
runtime_config config_of(const options& o) {
  runtime_config cfg;
  cfg.dsn = choose_dsn(o.dsn, o.dsn_file);
  if (cfg.dsn.empty() && !std::getenv("ACTORTX_DSN") && !std::getenv("ACTORTX_DSN_FILE"))
    cfg.dsn = "application_name=actortx-saga";  // libpq fills in the rest from PG* variables
  cfg.pool.min = 1;
  cfg.pool.max = 2;
  cfg.observability.enabled = false;
  cfg.dashboard.enabled = false;
  cfg.retention.prune_interval = std::chrono::milliseconds{0};
  cfg.log_level = "warn";
  return cfg;
}

int run(CLI::App& app, const options& o) {
  // Input is checked before connecting: a typo answers at once.
  saga_filter filter;
  if (app.got_subcommand("list")) filter = filter_of(o);
  runtime rt{config_of(o)};
  if (app.got_subcommand("list")) {
    print_list(std::cout, rt.list_sagas(filter), o.json);
    return 0;
  }
  if (app.got_subcommand("show")) {
    auto d = rt.saga(o.id);
    if (!d.found) {
      if (o.json) print_detail(std::cout, d, true);
      std::cerr << "actortx-saga: no saga " << o.id << " in the log\n";
      return 1;
    }
    print_detail(std::cout, d, o.json);
    return 0;
  }
  const bool retry = app.got_subcommand("retry");
  auto r = retry ? rt.retry_saga(o.id, o.by, o.reason) : rt.cancel_saga(o.id, o.by, o.reason);
  print_command(r.accepted || o.json ? std::cout : std::cerr, r, o.json);
  return r.accepted ? 0 : 1;
}

void define_commands(CLI::App& app, options& o) {
  app.add_option("--dsn", o.dsn,
                 "libpq connection string (no password: use PGPASSWORD, ~/.pgpass or "
                 "--dsn-file); default: ACTORTX_DSN, ACTORTX_DSN_FILE, then libpq's PG* "
                 "environment");
  app.add_option("--dsn-file", o.dsn_file, "a file holding the connection string");
  app.add_flag("--json", o.json, "print JSON instead of text");
  app.require_subcommand(1, 1);
  app.fallthrough();  // --json and --dsn also after the command
  auto* list = app.add_subcommand("list", "sagas in the log, newest first");
  list->add_option("--state", o.states, "only sagas in this state (repeatable)");
  list->add_option("--type", o.type, "only sagas of this type");
  list->add_option("--since", o.since,
                   "only sagas created since: 2026-12-01T00:00:00Z, 2026-12-01, or an age "
                   "such as 90s, 30m, 1h, 7d");
  list->add_option("--limit", o.limit, "at most this many (1..10000, default 100)");
  auto* show = app.add_subcommand("show", "one saga: its steps, its history, its context");
  show->add_option("id", o.id, "the saga's id")->required();
  o.by = default_operator_name();
  for (auto [name, what] : {std::pair{"retry", "go on with a FAILED saga from where it stopped"},
                            std::pair{"cancel", "stop a saga and compensate what it did"}}) {
    auto* cmd = app.add_subcommand(name, what);
    cmd->add_option("id", o.id, "the saga's id")->required();
    cmd->add_option("--reason", o.reason, "why (recorded in the saga's history)")->required();
    cmd->add_option("--by", o.by, "who asks (recorded; default $USER@hostname)");
  }
}

/// The first argument that is not an option or an option's value ("" if none).
std::string first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dsn" || a == "--dsn-file") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') return a;
  }
  return "";
}

/// The first option that is not one of the top-level ones ("" if none): CLI11 would report the
/// missing command first ("A subcommand is required"), hiding the mistake.
std::string first_unknown_option(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.empty() || a[0] != '-') return "";  // the command: its own options are its business
    const auto name = a.substr(0, a.find('='));
    if (name == "--dsn" || name == "--dsn-file") {
      if (a.find('=') == std::string::npos) ++i;  // its value follows
      continue;
    }
    if (name != "--json" && name != "--help" && name != "-h") return name;
  }
  return "";
}

/// CLI11's complaint, unless it would echo an argument holding a password.
int usage_exit(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help
  std::string text = e.what();
  const auto word = first_word(argc, argv);
  if (!word.empty() && word != "list" && word != "show" && word != "retry" && word != "cancel")
    text = "unknown command '" + word + "': expected list, show, retry or cancel";
  else if (const auto option = first_unknown_option(argc, argv); !option.empty())
    text = "unknown option '" + option + "' (commands: list, show, retry, cancel)";
  for (int i = 1; i < argc; ++i)
    if (std::string{argv[i]}.find("password") != std::string::npos)
      text =
          "bad arguments (not shown: one holds a password; use PGPASSWORD, ~/.pgpass or "
          "--dsn-file)";
  std::cerr << "actortx-saga: " << text << "\nRun with --help for more information.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"actortx-saga: list, show, retry and cancel the sagas of an actortx saga log"};
  options o;
  define_commands(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage_exit(app, e, argc, argv);
  }
  try {
    return run(app, o);
  } catch (const usage_error& e) {
    std::cerr << "actortx-saga: " << e.what() << '\n';
    return 2;
  } catch (const config_error& e) {
    std::cerr << "actortx-saga: " << e.what() << '\n';
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "actortx-saga: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "actortx-saga: " << e.what() << '\n';
    return 1;
  }
}
