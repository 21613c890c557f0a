// A fresh schema per test on the suite's PostgreSQL, so [pg] tests can run in parallel.
#pragma once

#include <string>

#include <pqxx/pqxx>

#include <actortx/runtime_config.hpp>

namespace actortx::test {

class test_schema {
 public:
  /// Creates schema t_<pid>_<n> on the DSN from ACTORTX_DSN / ACTORTX_DSN_FILE; fails the test
  /// with a clear message when there is none.
  test_schema();
  /// DROP SCHEMA ... CASCADE.
  ~test_schema();

  test_schema(const test_schema&) = delete;
  test_schema& operator=(const test_schema&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// The server's DSN without the schema (for admin queries such as pg_stat_activity).
  const std::string& base_dsn() const noexcept { return base_; }
  /// A DSN whose search_path is this schema.
  const std::string& dsn() const noexcept { return dsn_; }

  /// Runs SQL on a separate connection in this schema, outside the runtime.
  pqxx::result exec(const std::string& sql);
  template <class T>
  T value(const std::string& sql) {
    return exec(sql)[0][0].as<T>();
  }

 private:
  std::string base_;
  std::string name_;
  std::string dsn_;
  pqxx::connection conn_;
};

/// A fresh database per test, for what lives in fixed schemas (the saga log in "actortx"),
/// so that tests touching it can run in parallel.
class test_database {
 public:
  test_database();
  /// DROP DATABASE ... WITH (FORCE).
  ~test_database();

  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& dsn() const noexcept { return dsn_; }

  /// Runs SQL on a connection of its own (outside any runtime).
  pqxx::result exec(const std::string& sql);
  template <class T>
  T value(const std::string& sql) {
    return exec(sql)[0][0].as<T>();
  }

 private:
  std::string base_;
  std::string name_;
  std::string dsn_;
};

/// A runtime_config for tests: this schema, a small pool, fast retries.
runtime_config test_config(const test_schema& schema, size_t pool_max = 4);
/// The same on a test database.
runtime_config test_config(const test_database& db, size_t pool_max = 4);

}  // namespace actortx::test
