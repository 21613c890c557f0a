// The harness's own schema: created for one run, dropped at its end, so runs never collide.
#pragma once

#include <cstdint>
#include <string>

namespace stress {

/// Opens a connection to `dsn` and throws std::runtime_error with a one-line message naming
/// the target (never the password) if the server cannot be reached.
void check_reachable(const std::string& dsn);

/// stress_<pid>_<random>: unique per process and per run (the pid separates concurrent
/// processes, the random part a reused pid from what a killed earlier run left behind).
std::string make_run_name();

class bank_schema {
 public:
  /// Creates schema `name` (empty: make_run_name()) with table account(id, balance) holding
  /// accounts 1..`accounts`, each with `initial_balance`.
  bank_schema(std::string dsn, int accounts, int64_t initial_balance, std::string name = {});
  /// Drops the schema (errors are reported on stderr, never thrown).
  ~bank_schema();

  bank_schema(const bank_schema&) = delete;
  bank_schema& operator=(const bank_schema&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// The admin DSN (schema-qualified queries only).
  const std::string& dsn() const noexcept { return dsn_; }
  /// `dsn` with search_path set to this schema: what the runtime's connections use.
  std::string runtime_dsn() const;

  /// Adds 1 to one balance directly, outside the runtime: the invariant check must then fail.
  void corrupt_one_balance();

 private:
  std::string dsn_;
  std::string name_;
};

}  // namespace stress
