// A database of its own for one run (the saga mode's database B, and with --faults every
// database of the run), next to a given one.
#pragma once

#include <string>

namespace stress {

class scratch_database {
 public:
  /// Connects with `admin_dsn` and runs CREATE DATABASE `name` (the DSN's user needs the
  /// CREATEDB privilege; else std::runtime_error saying so).
  scratch_database(const std::string& admin_dsn, std::string name);
  /// Drops the database, closing connections still open to it (errors go to stderr).
  ~scratch_database();

  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// `admin_dsn` with dbname replaced by this database.
  const std::string& dsn() const noexcept { return dsn_; }

 private:
  std::string admin_dsn_;
  std::string name_;
  std::string dsn_;
};

}  // namespace stress
