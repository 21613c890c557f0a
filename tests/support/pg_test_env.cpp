#include "support/pg_test_env.hpp"

#include <unistd.h>

#include <atomic>
#include <random>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

namespace actortx::test {

namespace {

std::string require_dsn() {
  auto dsn = dsn_from_environment();
  if (dsn.empty())
    FAIL(
        "no PostgreSQL for [pg] tests: run them through ctest (which starts one) or set "
        "ACTORTX_DSN");
  return dsn;
}

std::string unique_schema_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(rd() % 100000);
}

}  // namespace

test_schema::test_schema()
    : base_(require_dsn()),
      name_(unique_schema_name()),
      dsn_(dsn_with(base_, "options", "-csearch_path=" + name_)),
      conn_(base_) {
  pqxx::nontransaction w{conn_};
  w.exec("CREATE SCHEMA " + name_);
  w.exec("SET search_path = " + name_);
}

test_schema::~test_schema() {
  try {
    pqxx::nontransaction w{conn_};
    w.exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  } catch (...) {
    // Leaving a schema behind in a throwaway cluster is harmless; never throw from here.
  }
}

pqxx::result test_schema::exec(const std::string& sql) {
  pqxx::nontransaction w{conn_};
  return w.exec(sql);
}

test_database::test_database()
    : base_(require_dsn()),
      name_("d" + unique_schema_name()),
      dsn_(dsn_with(base_, "dbname", name_)) {
  pqxx::connection c{base_};
  pqxx::nontransaction w{c};
  w.exec("CREATE DATABASE " + name_);
}

test_database::~test_database() {
  try {
    pqxx::connection c{base_};
    pqxx::nontransaction w{c};
    w.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // Harmless in a throwaway cluster; never throw from here.
  }
}

pqxx::result test_database::exec(const std::string& sql) {
  pqxx::connection c{dsn_};
  pqxx::nontransaction w{c};
  return w.exec(sql);
}

namespace {

runtime_config config_for(const std::string& dsn, size_t pool_max) {
  runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = 1;
  cfg.pool.max = pool_max;
  cfg.pool.acquire_timeout = std::chrono::seconds(5);
  cfg.transactions.defaults.timeout = std::chrono::seconds(10);
  cfg.transactions.defaults.retry.initial_delay = std::chrono::milliseconds(5);
  cfg.transactions.defaults.retry.max_delay = std::chrono::milliseconds(100);
  cfg.transactions.defaults.retry.max_retries = 10;
  cfg.scheduler_threads = 2;
  cfg.log_level = "error";
  return cfg;
}

}  // namespace

runtime_config test_config(const test_schema& schema, size_t pool_max) {
  return config_for(schema.dsn(), pool_max);
}

runtime_config test_config(const test_database& db, size_t pool_max) {
  return config_for(db.dsn(), pool_max);
}

}  // namespace actortx::test
