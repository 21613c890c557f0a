#include "bank_schema.hpp"

#include <unistd.h>

#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>

#include "harness_connection.hpp"
#include "transfer_accounting.hpp"

namespace stress {

namespace {

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

pqxx::connection connect(const std::string& dsn) {
  return harness_connection(dsn);
}

}  // namespace

std::string make_run_name() {
  std::random_device rd;
  std::ostringstream os;
  os << "stress_" << ::getpid() << '_' << std::hex << (rd() & 0xffffff);
  return os.str();
}

void check_reachable(const std::string& dsn) {
  actortx::parse_dsn(dsn);  // throws dsn_error with a clear, redacted message
  connect(dsn);
}

bank_schema::bank_schema(std::string dsn, int accounts, int64_t initial_balance, std::string name)
    : dsn_(std::move(dsn)), name_(name.empty() ? make_run_name() : std::move(name)) {
  auto c = connect(dsn_);
  pqxx::work w{c};
  auto schema = c.quote_name(name_);
  w.exec("CREATE SCHEMA " + schema);
  w.exec("CREATE TABLE " + schema + ".account(id int PRIMARY KEY, balance bigint NOT NULL)");
  w.exec_params("INSERT INTO " + schema + ".account SELECT g, $1 FROM generate_series(1, $2) AS g",
                initial_balance, accounts);
  w.exec(transfer_ledger_ddl(schema));
  w.exec("ANALYZE " + schema + ".account");
  w.commit();
}

bank_schema::~bank_schema() {
  try {
    auto c = connect(dsn_);
    pqxx::nontransaction w{c};
    w.exec("DROP SCHEMA IF EXISTS " + c.quote_name(name_) + " CASCADE");
  } catch (const std::exception& e) {
    std::cerr << "actortx-stress: could not drop schema " << name_ << ": " << first_line(e.what())
              << '\n';
  }
}

std::string bank_schema::runtime_dsn() const {
  return actortx::dsn_with(dsn_, "options", "-csearch_path=" + name_);
}

void bank_schema::corrupt_one_balance() {
  auto c = connect(dsn_);
  pqxx::work w{c};
  w.exec("UPDATE " + c.quote_name(name_) + ".account SET balance = balance + 1 WHERE id = 1");
  w.commit();
}

}  // namespace stress
