// The HTTP keys (dashboard token, metrics endpoint) and the runtime's identity keys: read from
// the command line and the INI file, validated naming the key, and the token never shown.
#include <sstream>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

#include "runtime/config/bind_address.hpp"

using namespace actortx;
using string_list = caf::actor_system_config::string_list;

namespace {

constexpr const char* token = "tok-0123456789abcdefXYZ";

std::string problem(const runtime_config& cfg) {
  try {
    validate(cfg);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

/// What reading `args` (and the INI `text`) refuses: parse() or read_config()'s message.
std::string read_problem(const string_list& args, const std::string& ini = {}) {
  caf_config cfg;
  std::istringstream in{ini};
  if (auto err = cfg.parse(args, in)) return caf::to_string(err);
  try {
    read_config(cfg);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

runtime_config read_args(const string_list& args, const std::string& ini = {}) {
  caf_config cfg;
  std::istringstream in{ini};
  auto err = cfg.parse(args, in);
  INFO(caf::to_string(err));
  REQUIRE_FALSE(err);
  return read_config(cfg);
}

}  // namespace

TEST_CASE("the metrics endpoint and identity keys have their documented defaults", "[unit]") {
  runtime_config cfg;
  CHECK_FALSE(cfg.metrics_endpoint.enabled);
  CHECK(cfg.metrics_endpoint.bind == "127.0.0.1");
  CHECK(cfg.metrics_endpoint.port == 9187);
  CHECK(cfg.dashboard.token.empty());
  CHECK(cfg.observability.runtime_name.empty());
  CHECK(cfg.observability.max_labels == 100);
  CHECK(problem(cfg).empty());
}

TEST_CASE("the new keys are read from the command line and the INI file", "[unit]") {
  auto cli = read_args(
      {"--actortx.metrics-endpoint", "--actortx.metrics-bind=0.0.0.0", "--actortx.metrics-port=0",
       "--actortx.runtime-name=orders", "--actortx.metrics-max-labels=7", "--actortx.dashboard",
       "--actortx.dashboard-bind=0.0.0.0", std::string{"--actortx.dashboard-token="} + token});
  CHECK(cli.metrics_endpoint.enabled);
  CHECK(cli.metrics_endpoint.bind == "0.0.0.0");
  CHECK(cli.metrics_endpoint.port == 0);
  CHECK(cli.observability.runtime_name == "orders");
  CHECK(cli.observability.max_labels == 7);
  CHECK(cli.dashboard.token == token);
  auto ini = read_args({}, std::string{"[actortx]\nmetrics-endpoint=true\nmetrics-port=9999\n"} +
                               "runtime-name=\"billing\"\ndashboard-token=\"" + token + "\"\n");
  CHECK(ini.metrics_endpoint.enabled);
  CHECK(ini.metrics_endpoint.port == 9999);
  CHECK(ini.observability.runtime_name == "billing");
  CHECK(ini.dashboard.token == token);
}

TEST_CASE("a dashboard beyond loopback without a token is refused naming the key", "[unit]") {
  runtime_config cfg;
  cfg.dashboard.enabled = true;
  cfg.dashboard.bind = "0.0.0.0";
  CHECK_THAT(problem(cfg), Catch::StartsWith("actortx.dashboard-token: (not set) is invalid: "
                                             "required when the dashboard listens beyond "
                                             "loopback (actortx.dashboard-bind = 0.0.0.0)"));
  cfg.dashboard.token = token;
  CHECK(problem(cfg).empty());
  CHECK_THAT(read_problem({"--actortx.dashboard", "--actortx.dashboard-bind=10.1.2.3"}),
             Catch::StartsWith("actortx.dashboard-token: (not set) is invalid: required"));
}

TEST_CASE("a dashboard on loopback needs no token", "[unit]") {
  runtime_config cfg;
  cfg.dashboard.enabled = true;
  for (const char* bind : {"127.0.0.1", "127.9.8.7", "::1", "localhost", "LocalHost"}) {
    INFO(bind);
    cfg.dashboard.bind = bind;
    CHECK(problem(cfg).empty());
  }
}

TEST_CASE("loopback is 127.0.0.0/8, ::1 and localhost; wildcards and others are not", "[unit]") {
  using config_detail::is_loopback_address;
  for (const char* yes : {"127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
                          "localhost", "LOCALHOST"})
    CHECK(is_loopback_address(yes));
  for (const char* no : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "example.org",
                         "localhost.example.org", "", "127.0.0.1.5"})
    CHECK_FALSE(is_loopback_address(no));
}

TEST_CASE("a short or blank-holding token is refused without showing it", "[unit]") {
  runtime_config cfg;
  cfg.dashboard.token = "short-secret";
  auto why = problem(cfg);
  CHECK(why == "actortx.dashboard-token: (hidden) is invalid: must be at least 16 characters");
  cfg.dashboard.token = "a secret with blanks in it";
  why = problem(cfg);
  CHECK_THAT(why, Catch::Contains("only printable characters without blanks"));
  CHECK(why.find("secret") == std::string::npos);
}

TEST_CASE("the token never appears in what reading the config refuses", "[unit]") {
  const std::string t = token;
  // A value of the wrong type, a key given twice, a string without quotes, a misspelt key.
  for (const std::string& ini :
       {std::string{"[actortx]\ndashboard-token=1234567890123456789\n"},
        "[actortx]\ndashboard-token=\"" + t + "\"\ndashboard-token=\"" + t + "\"\n",
        "[actortx]\ndashboard-token=" + t + "\n", "[actortx]\ndashbord-token=\"" + t + "\"\n"}) {
    auto why = read_problem({}, ini);
    INFO(why);
    CHECK_FALSE(why.empty());
    CHECK(why.find(t) == std::string::npos);
    CHECK(why.find("1234567890123456789") == std::string::npos);
  }
  auto why = read_problem({"--actortx.dashboard-token=" + t.substr(0, 10)});
  CHECK(why == "actortx.dashboard-token: (hidden) is invalid: must be at least 16 characters");
}

TEST_CASE("the config dump (--dump-config) hides the token and the DSN's password", "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(string_list{std::string{"--actortx.dashboard-token="} + token,
                                      "--actortx.dsn=host=db user=app password=hunter2secret"}));
  auto dumped = caf::to_string(caf::config_value{cfg.dump_content()});
  CHECK(dumped.find(token) == std::string::npos);
  CHECK(dumped.find("hunter2secret") == std::string::npos);
  CHECK(dumped.find("dashboard-token") != std::string::npos);  // shown as (hidden)
  CHECK(dumped.find("(hidden)") != std::string::npos);
  CHECK(dumped.find("host=db") != std::string::npos);
}

TEST_CASE("the metrics endpoint is validated with the rest of the config", "[unit]") {
  runtime_config cfg;
  cfg.metrics_endpoint.enabled = true;
  cfg.metrics_endpoint.bind = "";
  CHECK(problem(cfg) == "actortx.metrics-bind:  is invalid: give an address such as 127.0.0.1");
  cfg = {};
  cfg.metrics_endpoint.enabled = true;
  cfg.observability.enabled = false;
  CHECK(problem(cfg) ==
        "actortx.metrics-endpoint: true is invalid: it serves metrics: it needs "
        "actortx.metrics = true");
  cfg = {};
  cfg.metrics_endpoint.enabled = true;
  cfg.dashboard.enabled = true;
  cfg.metrics_endpoint.port = cfg.dashboard.port;
  CHECK_THAT(problem(cfg), Catch::StartsWith("actortx.metrics-port: 8090 is invalid: the "
                                             "dashboard listens on it"));
  cfg.metrics_endpoint.port = 0;
  cfg.dashboard.port = 0;
  CHECK(problem(cfg).empty());  // two free ports
  CHECK(read_problem({"--actortx.metrics-port=65536"}) ==
        "actortx.metrics-port: 65536 is invalid: a TCP port is at most 65535");
}

TEST_CASE("the label bound and the runtime name are checked", "[unit]") {
  runtime_config cfg;
  cfg.observability.max_labels = 0;
  CHECK(problem(cfg) ==
        "actortx.metrics-max-labels: 0 is invalid: must be between 1 and 10000 labels");
  cfg.observability.max_labels = 10001;
  CHECK_THAT(problem(cfg), Catch::StartsWith("actortx.metrics-max-labels: 10001 is invalid"));
  cfg = {};
  cfg.observability.runtime_name = "two\nlines";
  CHECK_THAT(problem(cfg), Catch::EndsWith("control characters are not allowed"));
  cfg.observability.runtime_name = std::string(129, 'x');
  CHECK_THAT(problem(cfg), Catch::EndsWith("must be at most 128 bytes"));
  cfg.observability.runtime_name = "orders eu-west (blue)";
  CHECK(problem(cfg).empty());
}
