#include "scratch_database.hpp"

#include <iostream>
#include <stdexcept>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>

#include "harness_connection.hpp"

namespace stress {

namespace {

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

}  // namespace

scratch_database::scratch_database(const std::string& admin_dsn, std::string name)
    : admin_dsn_(admin_dsn),
      name_(std::move(name)),
      dsn_(actortx::dsn_with(admin_dsn, "dbname", name_)) {
  try {
    auto c = harness_connection(admin_dsn_);
    pqxx::nontransaction w{c};  // CREATE DATABASE cannot run inside a transaction block
    w.exec("CREATE DATABASE " + c.quote_name(name_));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot create database " + name_ + " on " +
                             actortx::dsn_target(admin_dsn_) +
                             " (the DSN's user needs CREATEDB; without --faults, --dsn-b can "
                             "name the sagas' second database): " +
                             first_line(e.what()));
  }
}

scratch_database::~scratch_database() {
  try {
    auto c = harness_connection(admin_dsn_);
    pqxx::nontransaction w{c};
    // FORCE (PostgreSQL 13+): a connection a stopped runtime left behind must not block it.
    w.exec("DROP DATABASE IF EXISTS " + c.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "actortx-stress: could not drop database " << name_ << ": " << first_line(e.what())
              << '\n';
  }
}

}  // namespace stress
