// Where a saga or mixed run happens: the server, the fault session, databases A and B (the
// run's own where needed) with their bank schemas and saga tables, and the worker nodes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <actortx/tooling/embedded_postgres.hpp>

#include "bank_schema.hpp"
#include "fault_session.hpp"
#include "node_cluster.hpp"
#include "options.hpp"
#include "scratch_database.hpp"

namespace stress {

/// Members in order of construction: each needs the ones before and goes first (the workers
/// stop before the schemas go, the schemas before the databases and the server).
struct saga_stage {
  /// Starts or reaches the server (checking --pool against it), creates the databases and
  /// schemas, and starts the workers (--nodes).
  explicit saga_stage(const options& o);

  actortx::postgres_target db;
  fault_session faults;
  std::string run;  ///< unique per run: saga ids and types carry it
  /// A: --dsn's, or with faults one of the run's own (every backend on it is then the
  /// runtime's: terminate and cancel hit no one else). B: --dsn-b, or one of the run's own.
  std::optional<scratch_database> own_a, own_b;
  std::string dsn_a, dsn_b;
  std::optional<bank_schema> schema_a, schema_b;  ///< dropped on every exit
  /// --nodes: the workers run every step and local transfer; even ones on A, odd ones on B.
  std::optional<node_cluster> nodes;
  std::vector<std::string> a_workers, b_workers;
};

}  // namespace stress
