// DSN handling: libpq parses, passwords never reach a message, values stay correctly quoted;
// an empty DSN follows libpq's environment, and dsn_or_embedded() chooses in a fixed order.
#include <pg_config_manual.h>  // DEFAULT_PGSOCKET_DIR

#include <cstdlib>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime_config.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "runtime/config/dsn_endpoint.hpp"
#include "runtime/facade/startup_checks.hpp"

using namespace actortx;

namespace {

/// The message of the dsn_error that parse_dsn throws, or "" if it does not throw.
std::string parse_error(const std::string& dsn) {
  try {
    parse_dsn(dsn);
  } catch (const dsn_error& e) {
    return e.what();
  }
  return {};
}

/// Sets (or, without a value, unsets) an environment variable for one test and restores it
/// afterwards, so that tests see neither the caller's PG* variables nor each other's.
class scoped_env {
 public:
  explicit scoped_env(const char* name, std::optional<std::string> value = std::nullopt)
      : name_(name) {
    if (auto v = std::getenv(name)) old_ = v;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// Every variable that decides where libpq or dsn_or_embedded() connects, unset for one test.
struct clean_environment {
  scoped_env a{"ACTORTX_DSN"}, f{"ACTORTX_DSN_FILE"}, h{"PGHOST"}, ha{"PGHOSTADDR"}, p{"PGPORT"},
      d{"PGDATABASE"}, u{"PGUSER"}, s{"PGSERVICE"}, pw{"PGPASSWORD"}, ct{"PGCONNECT_TIMEOUT"};
};

}  // namespace

TEST_CASE("parse_dsn returns the keywords that were set", "[unit]") {
  auto kv = parse_dsn("host=db.example port=6543 dbname=app user=alice password='p w'");
  CHECK(kv.size() == 5);
  CHECK(kv.at("host") == "db.example");
  CHECK(kv.at("port") == "6543");
  CHECK(kv.at("password") == "p w");
  CHECK(parse_dsn("").empty());
}

TEST_CASE("parse_dsn reads postgresql:// URIs, percent-decoding them", "[unit]") {
  auto kv = parse_dsn("postgresql://alice:s%40cret@db.example:6543/app?sslmode=require");
  CHECK(kv.at("user") == "alice");
  CHECK(kv.at("password") == "s@cret");
  CHECK(kv.at("host") == "db.example");
  CHECK(kv.at("port") == "6543");
  CHECK(kv.at("dbname") == "app");
  CHECK(kv.at("sslmode") == "require");
}

TEST_CASE("redact_dsn hides the password of a key=value DSN", "[unit]") {
  CHECK(redact_dsn("host=x user=u password=hunter2 dbname=d") ==
        "user=u password=*** dbname=d host=x");
  auto quoted = redact_dsn("host=x password='it''s a secret'");
  CHECK(quoted.find("secret") == std::string::npos);
  CHECK(redact_dsn("host=x sslpassword=keypass") == "host=x sslpassword=***");
  CHECK(redact_dsn("") == "");
}

TEST_CASE("redact_dsn rewrites a URI as key=value with the password hidden", "[unit]") {
  auto r = redact_dsn("postgresql://user:secret@host/db");
  CHECK(r == "user=user password=*** dbname=db host=host");
  r = redact_dsn("postgres://u:p%20w@h:5433/db?password=other&application_name=my%20app");
  CHECK(r.find("p w") == std::string::npos);
  CHECK(r.find("other") == std::string::npos);
  CHECK(r.find("password=***") != std::string::npos);
  CHECK(r.find("application_name='my app'") != std::string::npos);
}

TEST_CASE("redact_dsn keeps values with spaces and quotes quoted as libpq reads them", "[unit]") {
  auto r = redact_dsn(R"(host=x application_name='a b\'c\\d' options='')");
  CHECK(r == R"(host=x options='' application_name='a b\'c\\d')");
  CHECK(parse_dsn(r).at("application_name") == R"(a b'c\d)");
}

TEST_CASE("redact_dsn of an unparsable DSN shows nothing of it", "[unit]") {
  CHECK(redact_dsn("host=x passwd=secret") == "<unparsable DSN>");
  CHECK(redact_dsn("host='x password=secret") == "<unparsable DSN>");
}

TEST_CASE("a bad keyword is named, its value hidden as it may be a misspelt password", "[unit]") {
  auto msg = parse_error("host=x passwd=hunter2");
  CHECK(msg == R"(bad DSN "host=x passwd=***": invalid connection option "passwd")");
}

TEST_CASE("bad DSN messages name the bad part and never contain the password", "[unit]") {
  struct bad_case {
    std::string dsn;
    std::string names;   // must appear in the message
    std::string secret;  // must not
  };
  auto c = GENERATE(values<bad_case>({
      {"host=x password=hunter2 port", "missing \"=\" after \"port\"", "hunter2"},
      {"host=x password=hunter2 hunter3", "missing \"=\"", "hunter3"},
      {"host=x password='hunter2", "unterminated quoted string", "hunter2"},
      {"host='x password=hunter2", "unterminated quoted string", "hunter2"},
      {"password=hunter2 bogus=1", "invalid connection option \"bogus\"", "hunter2"},
      {"postgresql://u:hunter2@h/db?foo=bar", "invalid URI query parameter: \"foo\"", "hunter2"},
      {"postgresql://u:hunter2@[::1/db", "IPv6 host address", "hunter2"},
      {"postgresql://u:hunter2%zz@h/db", "invalid percent-encoded token", "hunter2"},
      {"postgresql://u:pw@h/db?password=hunter2&oops", "missing key/value separator", "hunter2"},
      {"postgresql://u:a@[::1/db", "IPv6 host address", "u:a@"},
  }));
  CAPTURE(c.dsn);
  auto msg = parse_error(c.dsn);
  CAPTURE(msg);
  CHECK_THAT(msg, Catch::StartsWith("bad DSN \""));
  CHECK_THAT(msg, Catch::Contains(c.names));
  CHECK(msg.find(c.secret) == std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
}

TEST_CASE("a bad URI is shown in URI form with user info and query values hidden", "[unit]") {
  auto msg = parse_error("postgresql://alice:hunter2@db/app?sslmode=require&foo=bar");
  CHECK(msg == R"(bad DSN "postgresql://alice:***@db/app?sslmode=require&foo=***": )"
               R"(invalid URI query parameter: "foo")");
}

TEST_CASE("dsn_with adds a keyword", "[unit]") {
  auto d = dsn_with("host=x dbname=app", "connect_timeout", "5");
  CHECK(d == "dbname=app host=x connect_timeout=5");
  CHECK(parse_dsn(d).at("connect_timeout") == "5");
}

TEST_CASE("dsn_with replaces a keyword in place", "[unit]") {
  auto d = dsn_with("host=x connect_timeout=10 dbname=app", "connect_timeout", "2");
  CHECK(d == "connect_timeout=2 dbname=app host=x");
}

TEST_CASE("dsn_with keeps values with spaces and quotes quoted and the password intact", "[unit]") {
  auto d = dsn_with("host=x password='p w' application_name='my app'", "options",
                    "-csearch_path=s1 -cwork_mem=64MB");
  auto kv = parse_dsn(d);
  CHECK(kv.at("password") == "p w");
  CHECK(kv.at("application_name") == "my app");
  CHECK(kv.at("options") == "-csearch_path=s1 -cwork_mem=64MB");
  auto tricky = dsn_with("host=x", "application_name", R"(it's a \ test)");
  CHECK(parse_dsn(tricky).at("application_name") == R"(it's a \ test)");
  CHECK(parse_dsn(dsn_with("host=x", "password", "")).at("password").empty());
}

TEST_CASE("dsn_with converts a URI to key=value", "[unit]") {
  auto d = dsn_with("postgresql://u:secret@h:6000/db", "sslmode", "disable");
  CHECK(d == "user=u password=secret dbname=db host=h port=6000 sslmode=disable");
}

TEST_CASE("dsn_with rejects an unknown keyword and a bad DSN", "[unit]") {
  CHECK_THROWS_AS(dsn_with("host=x", "bogus", "1"), dsn_error);
  CHECK_THROWS_WITH(dsn_with("host=x passwd=hunter2", "port", "1"),
                    !Catch::Contains("hunter2") && Catch::Contains("passwd"));
}

TEST_CASE("dsn_target shows host:port/dbname of the DSN", "[unit]") {
  CHECK(dsn_target("host=db.example port=6543 dbname=app password=x") == "db.example:6543/app");
  CHECK(dsn_target("postgresql://u:pw@h:6000/shop") == "h:6000/shop");
  CHECK(dsn_target("hostaddr=10.0.0.1 port=1 dbname=d") == "10.0.0.1:1/d");
}

TEST_CASE("dsn_target fills in libpq's defaults and never throws", "[unit]") {
  clean_environment env;
  // No host at all: libpq's compiled-in socket directory, as psql would use.
  const std::string socket = DEFAULT_PGSOCKET_DIR;
  CHECK(dsn_target("dbname=app") == socket + ":5432/app");
  CHECK(dsn_target("user=bob") == socket + ":5432/bob");
  CHECK_THAT(dsn_target("not a dsn"), Catch::StartsWith(socket + ":5432/"));
  CHECK_THAT(dsn_target(""), Catch::StartsWith(socket + ":5432/"));
}

// --- an empty DSN follows libpq's environment ---------------------------------------------------

TEST_CASE("dsn_target takes what the DSN leaves out from PGHOST PGPORT and PGDATABASE", "[unit]") {
  clean_environment env;
  scoped_env h{"PGHOST", "db.example"}, p{"PGPORT", "6000"}, d{"PGDATABASE", "shop"};
  CHECK(dsn_target("") == "db.example:6000/shop");
  CHECK(dsn_target("port=7000") == "db.example:7000/shop");
  CHECK(dsn_target("host=other dbname=app") == "other:6000/app");
}

TEST_CASE("describe_target names the PG variables it used and never a password", "[unit]") {
  clean_environment env;
  scoped_env h{"PGHOST", "db.example"}, u{"PGUSER", "alice"}, pw{"PGPASSWORD", "Sup3rS3cret"};
  auto text = describe_target("");
  CHECK(text == "db.example:5432/alice (PGUSER, PGPASSWORD, PGHOST from the environment)");
  CHECK(describe_target("host=x port=1 dbname=d user=u password=p") == "x:1/d");
  CHECK(libpq_environment_used("host=x user=u") == std::vector<std::string>{"PGPASSWORD"});
}

TEST_CASE("libpq_environment_value sees PG variables but not compiled-in defaults", "[unit]") {
  clean_environment env;
  CHECK(libpq_environment_value("connect_timeout").empty());
  CHECK(libpq_environment_value("port").empty());  // 5432 is compiled in, not configured
  scoped_env ct{"PGCONNECT_TIMEOUT", "7"}, p{"PGPORT", "5433"};
  CHECK(libpq_environment_value("connect_timeout") == "7");
  CHECK(libpq_environment_value("port") == "5433");
}

TEST_CASE("an empty DSN resolves to libpq's environment plus the runtime's bounds", "[unit]") {
  clean_environment env;
  scoped_env h{"PGHOST", "db.example"};
  runtime_config cfg;
  cfg.pool.connect_timeout = std::chrono::seconds(4);
  auto keys = parse_dsn(resolve_dsn(cfg));
  CHECK(keys.count("host") == 0);  // left to libpq, which reads PGHOST when connecting
  CHECK(keys.at("connect_timeout") == "4");
  CHECK(keys.at("keepalives") == "1");
  // $PGCONNECT_TIMEOUT is the user's bound: the runtime does not override it.
  scoped_env ct{"PGCONNECT_TIMEOUT", "9"};
  CHECK(parse_dsn(resolve_dsn(cfg)).count("connect_timeout") == 0);
}

TEST_CASE("dsn_or_embedded prefers a given DSN then ACTORTX_DSN then the PG variables", "[unit]") {
  clean_environment env;
  CHECK(choose_postgres_source("") == postgres_source::embedded);
  CHECK(choose_postgres_source("host=x") == postgres_source::given);
  for (const auto& name : libpq_connection_variables()) {
    CAPTURE(name);
    scoped_env var{name.c_str(), "x"};
    CHECK(choose_postgres_source("") == postgres_source::libpq_environment);
    CHECK(choose_postgres_source("host=y") == postgres_source::given);
    {
      scoped_env file{"ACTORTX_DSN_FILE", "/nonexistent/dsn"};
      CHECK(choose_postgres_source("") == postgres_source::actortx_environment);
    }
    scoped_env dsn{"ACTORTX_DSN", "host=z"};
    CHECK(choose_postgres_source("") == postgres_source::actortx_environment);
  }
}

TEST_CASE("PGPASSWORD or PGSSLMODE alone or an empty PGHOST still mean the embedded server",
          "[unit]") {
  clean_environment env;
  scoped_env pw{"PGPASSWORD", "secret"}, ssl{"PGSSLMODE", "disable"}, h{"PGHOST", ""};
  CHECK(choose_postgres_source("") == postgres_source::embedded);
}

TEST_CASE("dsn_or_embedded hands PG variables to libpq with a connect bound", "[unit]") {
  clean_environment env;
  scoped_env h{"PGHOST", "db.example"};
  auto t = dsn_or_embedded();
  CHECK(t.source == postgres_source::libpq_environment);
  CHECK(t.embedded == nullptr);
  CHECK(t.dsn == "connect_timeout=10");
  scoped_env ct{"PGCONNECT_TIMEOUT", "3"};
  CHECK(dsn_or_embedded().dsn.empty());
  auto given = dsn_or_embedded("host=x");
  CHECK(given.source == postgres_source::given);
  CHECK(given.dsn == "host=x");  // PGCONNECT_TIMEOUT bounds it already
}

TEST_CASE("dsn_or_embedded reads ACTORTX_DSN and fails on a missing DSN file", "[unit]") {
  clean_environment env;
  {
    scoped_env dsn{"ACTORTX_DSN", "host=x connect_timeout=2"};
    auto t = dsn_or_embedded();
    CHECK(t.source == postgres_source::actortx_environment);
    CHECK(t.dsn == "host=x connect_timeout=2");
  }
  scoped_env file{"ACTORTX_DSN_FILE", "/nonexistent/actortx-dsn"};
  scoped_env h{"PGHOST", "db.example"};  // no silent fallback to libpq either
  CHECK_THROWS_WITH(dsn_or_embedded(), Catch::Contains("/nonexistent/actortx-dsn"));
}
