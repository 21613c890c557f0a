// The actortx-saga tool as an operator runs it: the built binary against a real saga log, its
// text and --json output, its commands, and how it answers bad input.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct cli_result {
  int status = -1;
  std::string out;
  std::string err;
};

/// Runs actortx-saga with `args` (shell words) on `dsn`, given through ACTORTX_DSN as an
/// operator's environment would.
cli_result run_cli(const std::string& dsn, const std::string& args) {
  const std::string err_file = "/tmp/actortx-saga-cli-" + std::to_string(::getpid()) + ".err";
  const std::string cmd = "ACTORTX_DSN_FILE= ACTORTX_DSN='" + dsn + "' '" ACTORTX_SAGA_CLI "' " +
                          args + " 2>" + err_file;
  cli_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in{err_file};
  std::stringstream text;
  text << in.rdbuf();
  r.err = text.str();
  std::remove(err_file.c_str());
  return r;
}

saga_registry cli_sagas() {
  saga_registry reg;
  reg.define("order").step(
      "reserve",
      [](tx& t, saga_context& ctx) {
        t.exec("INSERT INTO items VALUES ($1)", ctx.get(saga_id_key));
      },
      [](tx& t, saga_context& ctx) {
        t.exec("DELETE FROM items WHERE saga_id = $1", ctx.get(saga_id_key));
      });
  retry_policy once;
  once.initial_delay = 5ms;
  once.max_retries = 0;
  reg.define("stuck")
      .step(
          "reserve",
          [](tx& t, saga_context& ctx) {
            t.exec("INSERT INTO items VALUES ($1)", ctx.get(saga_id_key));
          },
          [](tx& t, saga_context& ctx) {
            t.exec("SELECT 1 / (CASE WHEN broken THEN 0 ELSE 1 END) FROM switches");
            t.exec("DELETE FROM items WHERE saga_id = $1", ctx.get(saga_id_key));
          })
      .step("charge", [](tx& t, saga_context&) { t.exec("SELECT 1 / 0"); })
      .compensation_retry(once);
  return reg;
}

struct cli_fixture {
  test::test_database db;
  std::unique_ptr<runtime> rt;
  std::string committed, failed;

  cli_fixture() {
    db.exec(
        "CREATE TABLE items (saga_id text NOT NULL);"
        "CREATE TABLE switches (broken boolean NOT NULL); INSERT INTO switches VALUES (true)");
    auto cfg = test::test_config(db);
    cfg.sagas.node_id = "cli-node-" + db.name();
    cfg.sagas.recovery_interval = 500ms;
    rt = std::make_unique<runtime>(cfg, cli_sagas());
    committed = rt->run_saga("order").id;
    failed = rt->run_saga("stuck").id;
  }
};

}  // namespace

TEST_CASE("actortx-saga lists and shows sagas as text and as JSON", "[saga][pg]") {
  cli_fixture f;
  auto text = run_cli(f.db.dsn(), "list");
  INFO(text.err);
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains(f.committed) && Catch::Contains(f.failed) &&
                           Catch::Contains("2 saga(s)") && Catch::Contains("FAILED"));

  auto listed = run_cli(f.db.dsn(), "--json list --state FAILED --type stuck --since 1h");
  REQUIRE(listed.status == 0);
  auto list = json::parse(listed.out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == f.failed);
  CHECK(list[0]["state"] == "FAILED");
  CHECK(list[0]["version"] == 1);

  auto shown = run_cli(f.db.dsn(), "--json show " + f.failed);
  REQUIRE(shown.status == 0);
  auto d = json::parse(shown.out);
  CHECK(d["found"] == true);
  REQUIRE(d["steps"].size() == 2);
  CHECK(d["steps"][0]["name"] == "reserve");
  CHECK(d["steps"][0]["state"] == "COMPENSATION_FAILED");
  CHECK(d["steps"][0]["node"] == f.rt->node_id());
  CHECK_FALSE(d["steps"][0]["updated_at"].get<std::string>().empty());
  CHECK_THAT(d["steps"][1]["error"].get<std::string>(), Catch::Contains("division by zero"));
  CHECK(d["context"]["saga_id"] == f.failed);

  auto human = run_cli(f.db.dsn(), "show " + f.failed);
  REQUIRE(human.status == 0);
  CHECK_THAT(human.out, Catch::Contains("COMPENSATION_FAILED") && Catch::Contains("events:"));
  auto missing = run_cli(f.db.dsn(), "show no-such-saga");
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("no saga no-such-saga in the log"));
}

TEST_CASE("actortx-saga retries a FAILED saga and refuses to cancel a COMMITTED one",
          "[saga][pg]") {
  cli_fixture f;
  f.db.exec("UPDATE switches SET broken = false");
  auto retried = run_cli(f.db.dsn(), "retry " + f.failed + " --reason 'cause fixed' --by ops-test");
  INFO(retried.err);
  REQUIRE(retried.status == 0);
  CHECK_THAT(retried.out, Catch::StartsWith("accepted (was FAILED): COMPENSATING"));
  // The tool's runtime has no saga types: the node that has them takes the saga up.
  f.rt->recover_sagas_now();
  auto d = f.rt->saga(f.failed);
  for (int i = 0; i < 600 && d.state != saga_state::compensated; ++i) {
    std::this_thread::sleep_for(50ms);
    d = f.rt->saga(f.failed);
  }
  CHECK(d.state == saga_state::compensated);
  CHECK(f.db.value<long>("SELECT count(*) FROM items WHERE saga_id = '" + f.failed + "'") == 0);
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0].by == "ops-test");
  CHECK(d.events[0].reason == "cause fixed");

  auto refused = run_cli(f.db.dsn(), "--json cancel " + f.committed + " --reason 'too late'");
  CHECK(refused.status == 1);
  auto r = json::parse(refused.out);
  CHECK(r["accepted"] == false);
  CHECK(r["before"] == "COMMITTED");
  CHECK_THAT(r["message"].get<std::string>(), Catch::Contains("nothing to cancel"));
}

TEST_CASE("actortx-saga refuses bad input with a clear message and never echoes a password",
          "[saga][pg]") {
  test::test_database db;
  auto unknown = run_cli(db.dsn(), "frobnicate");
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'"));
  auto bogus = run_cli(db.dsn(), "--bogus");  // no command either: the option is the mistake
  CHECK(bogus.status == 2);
  CHECK_THAT(bogus.err, Catch::Contains("unknown option '--bogus'"));
  auto since = run_cli(db.dsn(), "list --since yesterday");
  CHECK(since.status == 2);
  CHECK_THAT(since.err, Catch::Contains("--since 'yesterday'"));
  auto state = run_cli(db.dsn(), "list --state DONE");
  CHECK(state.status == 2);
  CHECK_THAT(state.err, Catch::Contains("--state DONE"));
  auto no_reason = run_cli(db.dsn(), "cancel some-id");
  CHECK(no_reason.status == 2);
  CHECK_THAT(no_reason.err, Catch::Contains("--reason"));
  for (const auto* dsn :
       {"'host=localhost password=S3cretPw'", "'postgresql://ops:S3cretPw@localhost/db'"}) {
    auto pw = run_cli(db.dsn(), std::string{"--dsn "} + dsn + " list");
    CHECK(pw.status == 2);
    CHECK_THAT(pw.err, Catch::Contains("PGPASSWORD") && Catch::Contains("--dsn-file"));
    CHECK_THAT(pw.err + pw.out, !Catch::Contains("S3cretPw"));
  }
  auto split = run_cli(db.dsn(), "--dsn host=localhost password=S3cretPw list");
  CHECK(split.status == 2);
  CHECK_THAT(split.err + split.out, !Catch::Contains("S3cretPw"));
  auto down = run_cli("host=127.0.0.1 port=1 connect_timeout=2", "list");
  CHECK(down.status == 1);
  CHECK_FALSE(down.err.empty());
}
