// What is running now: the answer to active_atom, for operators and dashboards.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace actortx {

/// One transaction the supervisor has accepted and not yet answered.
struct active_tx {
  uint64_t id = 0;
  std::string label;
  uint32_t attempt = 0;              ///< current (or, during backoff, last) attempt
  std::chrono::milliseconds age{0};  ///< since the request was accepted
  int32_t backend_pid = 0;           ///< 0 while no connection is leased
  std::string statement;             ///< what the backend runs now (pg_stat_activity.query)
  bool long_running = false;         ///< age is past the runtime's long-running threshold

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, active_tx& x) {
    return f(caf::meta::type_name("actortx::active_tx"), x.id, x.label, x.attempt, x.age,
             x.backend_pid, x.statement, x.long_running);
  }
};

/// A backend's current statement, as pg_stat_activity reports it.
struct backend_activity {
  int32_t pid = 0;
  std::string query;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, backend_activity& x) {
    return f(caf::meta::type_name("actortx::backend_activity"), x.pid, x.query);
  }
};

}  // namespace actortx
