// actortx-stress: concurrent bank transfers through the actortx runtime, then a check that
// money was neither created nor lost and no transaction outlived its deadline. --workload
// transfer/hotspot run on one database (transfer_run.hpp); saga/mixed run transfer sagas
// across two (saga_run.hpp); --nodes N runs them on worker node processes (node_cluster.hpp);
// --faults injects faults meanwhile (fault_session.hpp).
// Exit codes: see options.hpp.
#include <iostream>

#include "option_ranges.hpp"
#include "options.hpp"
#include "saga_run.hpp"
#include "stop_signal.hpp"
#include "transfer_run.hpp"
#include "worker_main.hpp"

int main(int argc, char** argv) {
  // A worker node of a --nodes run (worker_main.hpp): the coordinator started us.
  if (stress::is_worker_invocation(argc, argv)) return stress::worker_main(argc, argv);
  int exit = stress::exit_ok;
  auto opts = stress::parse_options(argc, argv, exit);
  if (!opts) return exit;
  stress::install_stop_handlers();
  try {
    return opts->saga ? stress::run_saga_mode(*opts) : stress::run_transfer_mode(*opts);
  } catch (const stress::usage_error& e) {  // found at start, e.g. a --pool the server refuses
    std::cout.flush();
    std::cerr << "actortx-stress: " << e.text << '\n';
    return stress::exit_usage;
  } catch (const std::exception& e) {
    // startup_error, config_error, dsn_error and server errors: one line, no stack trace.
    std::string what = e.what();
    std::cout.flush();
    std::cerr << "actortx-stress: error: " << what.substr(0, what.find('\n')) << '\n';
    return stress::exit_startup;
  }
}
