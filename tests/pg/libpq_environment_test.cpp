// An empty DSN follows libpq's environment, as psql does: a runtime given only PGHOST, PGPORT,
// PGUSER and PGDATABASE commits on that server, and a start that fails names the target libpq
// used without ever showing PGPASSWORD's value.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

/// Sets or unsets one environment variable and restores it when the test ends.
class scoped_env {
 public:
  scoped_env(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (auto v = std::getenv(name_.c_str())) old_ = v;
    if (value)
      setenv(name_.c_str(), value->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ~scoped_env() {
    if (old_)
      setenv(name_.c_str(), old_->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// The variables these tests set; each is restored (or unset again) afterwards.
const char* const libpq_variables[] = {"PGHOST",     "PGHOSTADDR", "PGPORT",
                                       "PGUSER",     "PGDATABASE", "PGOPTIONS",
                                       "PGPASSWORD", "PGSERVICE",  "PGCONNECT_TIMEOUT"};

/// A server described by PG* variables only: the keywords of `dsn` become PGHOST, PGPORT, ...,
/// then `overrides` apply, and $ACTORTX_DSN / $ACTORTX_DSN_FILE are unset so libpq decides.
class libpq_environment {
 public:
  libpq_environment(const std::string& dsn,
                    const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    auto keys = parse_dsn(dsn);
    const std::pair<const char*, const char*> names[] = {
        {"host", "PGHOST"},        {"hostaddr", "PGHOSTADDR"}, {"port", "PGPORT"},
        {"user", "PGUSER"},        {"dbname", "PGDATABASE"},   {"options", "PGOPTIONS"},
        {"password", "PGPASSWORD"}};
    for (const char* var : libpq_variables) {
      std::optional<std::string> value;
      for (const auto& [key, env] : names)
        if (env == std::string{var} && keys.count(key) != 0) value = keys.at(key);
      for (const auto& [name, v] : overrides)
        if (name == var) value = v;
      vars_.emplace_back(std::make_unique<scoped_env>(var, value));
    }
    vars_.emplace_back(std::make_unique<scoped_env>("ACTORTX_DSN", std::nullopt));
    vars_.emplace_back(std::make_unique<scoped_env>("ACTORTX_DSN_FILE", std::nullopt));
  }

 private:
  std::vector<std::unique_ptr<scoped_env>> vars_;
};

/// The text of what starting a runtime on `cfg` throws ("" if it starts).
std::string start_failure(const runtime_config& cfg) {
  try {
    runtime rt{cfg};
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a runtime with an empty DSN commits where PGHOST PGPORT PGUSER PGDATABASE say", "[pg]") {
  test::test_schema db;  // reads $ACTORTX_DSN_FILE before the environment below hides it
  runtime_config cfg = test::test_config(db);
  libpq_environment env{db.dsn()};  // PGOPTIONS carries the test schema's search_path
  cfg.dsn = "";
  REQUIRE(choose_postgres_source(cfg.dsn) == postgres_source::libpq_environment);
  runtime rt{cfg};
  auto out = rt.transact([](tx& t) {
    t.exec("CREATE TABLE set_by_environment(v int)");
    t.exec("INSERT INTO set_by_environment VALUES (42)");
  });
  REQUIRE(out.committed());
  // Seen over the fixture's own DSN: the runtime went to the same server, database and schema.
  CHECK(db.value<int>("SELECT v FROM set_by_environment") == 42);
}

TEST_CASE("a start on PG variables that fails names database and host but not PGPASSWORD", "[pg]") {
  test::test_schema db;
  runtime_config cfg = test::test_config(db);
  const std::string password = "Wr0ng-Passw0rd-" + std::to_string(getpid());
  const std::string missing = "actortx_no_such_db_" + std::to_string(getpid());
  libpq_environment env{db.base_dsn(), {{"PGDATABASE", missing}, {"PGPASSWORD", password}}};
  cfg.dsn = "";
  auto what = start_failure(cfg);
  CAPTURE(what);
  CHECK_THAT(what, Catch::Contains("cannot connect to PostgreSQL at"));
  CHECK_THAT(what, Catch::Contains(parse_dsn(db.base_dsn()).at("host") + ":" +
                                   parse_dsn(db.base_dsn()).at("port") + "/" + missing));
  CHECK_THAT(what, Catch::Contains("PGPASSWORD"));  // the name of what libpq read: helps
  CHECK_THAT(what, !Catch::Contains(password));
  CHECK_THAT(what, !Catch::Contains("Passw0rd"));
}

TEST_CASE("an unreachable server from PG variables is named without PGPASSWORD's value", "[pg]") {
  test::test_schema db;
  runtime_config cfg = test::test_config(db);
  const std::string password = "An0ther-S3cret-" + std::to_string(getpid());
  libpq_environment env{"",
                        {{"PGHOST", "127.0.0.1"},
                         {"PGPORT", "1"},
                         {"PGDATABASE", "nowhere"},
                         {"PGPASSWORD", password},
                         {"PGCONNECT_TIMEOUT", "2"}}};
  cfg.dsn = "";
  auto what = start_failure(cfg);
  CAPTURE(what);
  CHECK_THAT(what, Catch::Contains("127.0.0.1:1/nowhere"));
  CHECK_THAT(what, !Catch::Contains(password));
  CHECK_THAT(what, !Catch::Contains("S3cret"));
}
