// The --nodes part of a run: its files (TLS certificates, worker logs) and the worker node
// processes, each on one database, with the settings the coordinator needs to call them.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "deadline_check.hpp"
#include "html_run_report.hpp"
#include "node_files.hpp"
#include "options.hpp"
#include "worker_nodes.hpp"

namespace stress {

class node_cluster {
 public:
  /// Starts o.nodes workers named w0, w1, ...; worker k runs on `dsns[k]` with node id
  /// <run>-w<k>. Prints where they listen and where their logs are.
  node_cluster(const options& o, const std::string& run, const std::vector<std::string>& dsns,
               std::ostream& out);

  /// The workers' peer names, in order.
  std::vector<std::string> names() const;
  /// Node settings of the coordinator: the workers as peers, TLS or plain TCP as the run.
  actortx::node_config coordinator_node() const;
  /// Fault kill-node (worker_nodes::kill_and_restart).
  std::string kill_and_restart(int worker, std::chrono::milliseconds downtime);
  /// Stops the workers and merges what each (its last incarnation) found in its records of the
  /// run's transactions; `missing` counts workers that left no tally.
  deadline_tally stop_and_check_records(int& missing);
  /// Keeps the workers' logs after the run (when an invariant failed); prints where.
  void keep_logs(std::ostream& out);

 private:
  node_files files_;
  worker_nodes workers_;
};

}  // namespace stress

namespace stress {

/// Stops the workers and adds their records' deadline tally to `d`.
void collect_worker_records(node_cluster& nodes, deadline_checks& d);

/// The kill-node action for fault_session::start: the cluster's, or none without nodes.
std::function<std::string(int, std::chrono::milliseconds)> kill_node_of(
    std::optional<node_cluster>& nodes);

}  // namespace stress
