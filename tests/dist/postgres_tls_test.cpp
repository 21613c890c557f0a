// TLS to PostgreSQL as a user sets it up: sslmode=verify-full with the CA that signed the
// server's certificate. The test makes the CA and a certificate for 127.0.0.1/localhost with
// the openssl CLI and starts a PostgreSQL of its own with ssl on.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "dist/test_certs.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Copies `from` into the cluster's data dir as `name`, owned like the data dir (the server
/// runs as postgres when we are root) and private to it, as PostgreSQL demands of a key.
void install(const embedded_postgres& pg, const std::string& from, const std::string& name) {
  const auto to = pg.data_dir() + "/" + name;
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  struct stat dir {};
  REQUIRE(::stat(pg.data_dir().c_str(), &dir) == 0);
  REQUIRE(::chown(to.c_str(), dir.st_uid, dir.st_gid) == 0);
  REQUIRE(::chmod(to.c_str(), 0600) == 0);
}

/// A PostgreSQL of its own with ssl on, its certificate signed by the test CA (`pki`'s
/// "server"); without ssl_ca_file, clients are not asked for certificates.
struct tls_postgres {
  test::test_pki pki{{"server"}};
  embedded_postgres pg;

  tls_postgres() {
    install(pg, pki.dir() + "/server.pem", "server.pem");
    install(pg, pki.dir() + "/server.key", "server.key");
    {
      pqxx::connection admin{pg.dsn()};
      pqxx::nontransaction w{admin};
      w.exec("ALTER SYSTEM SET ssl_cert_file = 'server.pem'");
      w.exec("ALTER SYSTEM SET ssl_key_file = 'server.key'");
      w.exec("ALTER SYSTEM SET ssl = on");
      w.exec("SELECT pg_reload_conf()");
    }
    wait_for_tls();
  }

  /// The reload is asynchronous: wait until a TLS connection works.
  void wait_for_tls() {
    std::string last;
    for (int i = 0; i < 100; ++i) {
      try {
        pqxx::connection c{pg.tcp_dsn() + " sslmode=require connect_timeout=2"};
        return;
      } catch (const std::exception& e) {
        last = e.what();
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL("PostgreSQL did not turn TLS on: " << last);
  }

  /// The DSN a user writes: the server at `host` (by default 127.0.0.1 over TCP), verified
  /// against `ca`.
  std::string verify_full_dsn(const std::string& ca,
                              const std::string& host = "host=127.0.0.1") const {
    return host + " port=" + std::to_string(pg.port()) +
           " user=postgres dbname=postgres sslmode=verify-full sslrootcert=" + ca;
  }
};

runtime_config config_for(const std::string& dsn) {
  runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = 2;
  cfg.pool.max = 2;
  return cfg;
}

}  // namespace

TEST_CASE("with sslmode=verify-full and the server's CA, every connection is TLS", "[dist][pg]") {
  tls_postgres server;
  runtime rt{config_for(server.verify_full_dsn(server.pki.dir() + "/ca.pem"))};

  tx_script script;
  script.add("SELECT ssl::text, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  auto out = rt.transact(rt.default_options(), script);
  REQUIRE(out.committed());
  REQUIRE(out.results[0].rows.size() == 1);
  CHECK(out.results[0].rows[0][0].text == "true");
  CHECK_THAT(out.results[0].rows[0][1].text, Catch::StartsWith("TLSv1."));

  // Every TCP connection the runtime holds: the pool's two (the second may still be opening
  // on a loaded machine: waited for), none in plain text.
  pqxx::connection admin{server.pg.dsn()};
  long tls = 0, plain = 0;
  for (int i = 0; i < 100 && tls < 2; ++i) {
    if (i > 0) std::this_thread::sleep_for(50ms);
    pqxx::nontransaction w{admin};
    auto counts = w.exec1(
        "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl) "
        "FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
        "WHERE a.client_addr IS NOT NULL AND a.backend_type = 'client backend'");
    tls = counts[0].as<long>();
    plain += counts[1].as<long>();
  }
  CHECK(tls >= 2);
  CHECK(plain == 0);
}

TEST_CASE(
    "with sslmode=verify-full and another CA, start-up fails saying the certificate is not "
    "trusted",
    "[dist][pg]") {
  tls_postgres server;
  try {
    runtime rt{config_for(server.verify_full_dsn(server.pki.dir() + "/rogue-ca.pem"))};
    FAIL("the runtime trusted a server certificate its CA did not sign");
  } catch (const startup_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK_THAT(what, Catch::Contains("cannot connect to PostgreSQL at 127.0.0.1:" +
                                     std::to_string(server.pg.port())));
    CHECK_THAT(what, Catch::Contains("certificate verify failed"));
  }
}

TEST_CASE("with sslmode=verify-full the host name must be on the server's certificate",
          "[dist][pg]") {
  tls_postgres server;
  const auto ca = server.pki.dir() + "/ca.pem";
  // "localhost" is on the certificate (besides IP 127.0.0.1).
  runtime by_name{config_for(server.verify_full_dsn(ca, "host=localhost"))};
  tx_script script;
  script.add("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  auto out = by_name.transact(by_name.default_options(), script);
  REQUIRE(out.committed());
  CHECK(out.results[0].rows[0][0].text == "true");
  // The same server under a name its certificate does not carry (hostaddr: no lookup, loopback).
  try {
    runtime rt{config_for(server.verify_full_dsn(ca, "host=db.invalid hostaddr=127.0.0.1"))};
    FAIL("the runtime accepted a certificate for another host name");
  } catch (const startup_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK_THAT(what, Catch::Contains("does not match host name \"db.invalid\""));
  }
}
