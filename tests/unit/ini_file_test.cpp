// The INI file is checked as strictly as the command line: wrong types, unknown keys, syntax
// errors and keys given twice fail caf_config::parse() and read_config(), naming the key.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

using namespace actortx;
using namespace std::chrono_literals;
using string_list = caf::actor_system_config::string_list;

namespace {

/// A temporary directory with one INI file in it, removed when the test ends.
class ini_dir {
 public:
  explicit ini_dir(const std::string& text, const std::string& file = "app.ini") {
    char name[] = "/tmp/actortx-ini-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    dir_ = name;
    path_ = dir_ + "/" + file;
    std::ofstream{path_} << text;
  }
  ~ini_dir() {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& dir() const { return dir_; }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

/// What a program gets: parse(argc, argv) as in main(), then read_config().
struct parsed {
  caf::error parse_error;
  std::string problem;  // what() of the config_error read_config() threw, "" if none
  runtime_config cfg;
};

parsed parse_like_main(std::vector<std::string> args) {
  args.insert(args.begin(), "program");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  parsed out;
  caf_config caf_cfg;
  out.parse_error = caf_cfg.parse(static_cast<int>(argv.size()), argv.data());
  try {
    out.cfg = read_config(caf_cfg);
  } catch (const config_error& e) {
    out.problem = e.what();
  }
  return out;
}

parsed parse_file(const std::string& text) {
  ini_dir ini{text};
  return parse_like_main({"--config-file=" + ini.path()});
}

}  // namespace

TEST_CASE("a value of the wrong type in the INI file is refused, naming key, value and line",
          "[unit]") {
  ini_dir ini{"[actortx]\npool-min=2\npool-max=\"twelve\"\n"};
  auto p = parse_like_main({"--config-file=" + ini.path()});
  CHECK(p.parse_error);
  CHECK(p.problem ==
        "actortx.pool-max: \"twelve\" is invalid: expected a count (a whole number, "
        "at least 0) (in " +
            ini.path() + ", line 3)");
  CHECK_THAT(caf::to_string(p.parse_error), Catch::Contains("actortx.pool-max"));
}

TEST_CASE("each kind of value is checked against its key's type in the INI file", "[unit]") {
  std::string line, expected;
  std::tie(line, expected) = GENERATE(table<std::string, std::string>({
      {"acquire-timeout=250", "actortx.acquire-timeout: 250 is invalid: expected a duration"},
      {"read-only=1", "actortx.read-only: 1 is invalid: expected true or false"},
      {"log-level='warn'", "actortx.log-level: 'warn' is invalid: expected a string"},
      {"pool-max=-1", "actortx.pool-max: -1 is invalid: expected a count"},
      {"retry-jitter=\"0.1\"", "actortx.retry-jitter: \"0.1\" is invalid: expected a number"},
      {"peers=\"b=127.0.0.1:1\"", "actortx.peers: \"b=127.0.0.1:1\" is invalid: expected a list"},
  }));
  CAPTURE(line);
  auto p = parse_file("[actortx]\n" + line + "\n");
  CHECK(p.parse_error);
  CHECK_THAT(p.problem, Catch::StartsWith(expected));
}

TEST_CASE("an unknown key in [actortx] is refused with the key it probably meant", "[unit]") {
  auto p = parse_file("[actortx]\npool-mx=3\n");
  CHECK(p.parse_error);
  CHECK_THAT(p.problem, Catch::StartsWith("actortx.pool-mx: 3 is invalid: there is no such key; "
                                          "did you mean actortx.pool-max?") &&
                            Catch::Contains("line 2"));
  auto underscore = parse_file("[actortx]\nlog_level=\"debug\"\n");
  CHECK_THAT(underscore.problem, Catch::Contains("did you mean actortx.log-level?"));
}

TEST_CASE("an unknown key far from any other lists its family or points to --long-help", "[unit]") {
  auto family = parse_file("[actortx]\npool-size=3\n");
  CHECK_THAT(family.problem, Catch::Contains("actortx.pool-size: 3 is invalid: there is no such "
                                             "key; keys starting with pool-: actortx.pool-min, "
                                             "actortx.pool-max, actortx.pool-max-waiters"));
  auto none = parse_file("[actortx]\ncolour=\"blue\"\n");
  CHECK_THAT(none.problem, Catch::Contains("--long-help lists the actortx keys"));
  auto nested = parse_file("[actortx.tls]\ncert=\"a.pem\"\n");
  CHECK_THAT(nested.problem,
             Catch::StartsWith("actortx.tls: ") && Catch::Contains("there is no such key"));
}

TEST_CASE("a syntax error names the key on its line, the line and a likely cause", "[unit]") {
  auto unquoted = parse_file("[actortx]\npool-max=4\nisolation=serializable\n");
  CHECK(unquoted.parse_error);
  CHECK_THAT(unquoted.problem,
             Catch::StartsWith("actortx.isolation: serializable is invalid: syntax error at line "
                               "3, column 11") &&
                 Catch::Contains("a string needs double quotes: isolation=\"serializable\""));
  auto hash = parse_file("[actortx]\n# pool size\npool-max=4\n");
  CHECK_THAT(hash.problem, Catch::Contains("line 2: # pool size is invalid: syntax error") &&
                               Catch::Contains("comments start with ';'"));
  auto fraction = parse_file("[actortx]\ntx-timeout=1.5s\n");
  CHECK_THAT(fraction.problem, Catch::StartsWith("actortx.tx-timeout: 1.5s is invalid") &&
                                   Catch::Contains("1500ms, not 1.5s"));
  auto open = parse_file("[actortx]\ndsn=\"host=db\n");
  CHECK_THAT(open.problem, Catch::StartsWith("actortx.dsn: \"host=db is invalid: syntax error at "
                                             "the end of line 2") &&
                               Catch::Contains("closing double quote"));
}

TEST_CASE("a key given twice in the INI file is refused with both lines", "[unit]") {
  auto p = parse_file("[actortx]\npool-max=3\npool-min=1\npool-max=4\n");
  CHECK(p.parse_error);
  CHECK_THAT(p.problem, Catch::StartsWith("actortx.pool-max: 4 is invalid: the key is given twice "
                                          "(lines 2 and 4 of"));
}

TEST_CASE("a whole number is taken where the INI file expects a number", "[unit]") {
  auto p =
      parse_file("[actortx]\nretry-multiplier=3\nretry-jitter=0\nalert-failure-rate-critical=1\n");
  REQUIRE_FALSE(p.parse_error);
  REQUIRE(p.problem.empty());
  CHECK(p.cfg.transactions.defaults.retry.multiplier == Approx(3.0));
  CHECK(p.cfg.transactions.defaults.retry.jitter == Approx(0.0));
  CHECK(p.cfg.observability.alerts.failure_rate_critical == Approx(1.0));
  ini_dir ini{"[actortx]\nretry-multiplier=3\n"};
  auto cli = parse_like_main({"--config-file=" + ini.path(), "--actortx.retry-multiplier=1.5"});
  CHECK(cli.cfg.transactions.defaults.retry.multiplier == Approx(1.5));  // the command line wins
}

TEST_CASE("other sections keep CAF's rules; a sound [actortx] section reads as before", "[unit]") {
  auto p = parse_file(
      "[scheduler]\nmax-threads=2\n[actortx]\npool-max=5\ndashboard-port=0\n"
      "[my-app]\nanything=\"goes\"\n");
  REQUIRE_FALSE(p.parse_error);
  REQUIRE(p.problem.empty());
  CHECK(p.cfg.pool.max == 5);
  CHECK(p.cfg.dashboard.port == 0);
}

TEST_CASE("caf-application.ini in the working directory is checked like --config-file", "[unit]") {
  ini_dir ini{"[actortx]\npool-max=\"twelve\"\n", "caf-application.ini"};
  char old[PATH_MAX];
  REQUIRE(getcwd(old, sizeof old) != nullptr);
  REQUIRE(chdir(ini.dir().c_str()) == 0);
  auto p = parse_like_main({});
  REQUIRE(chdir(old) == 0);
  CHECK(p.parse_error);
  CHECK_THAT(p.problem, Catch::StartsWith("actortx.pool-max: \"twelve\"") &&
                            Catch::Contains("in caf-application.ini, line 2"));
}

TEST_CASE("an INI stream given to parse() is checked too", "[unit]") {
  caf_config cfg;
  std::istringstream ini{"[actortx]\nmetrics-rng=5\n"};
  CHECK(cfg.parse(string_list{}, ini));
  REQUIRE(cfg.file_problem());
  CHECK(cfg.file_problem()->field() == "actortx.metrics-rng");
  CHECK_THROWS_WITH(read_config(cfg), Catch::Contains("did you mean actortx.metrics-ring?"));
}

TEST_CASE("a missing --config-file is still CAF's error, and no file is no problem", "[unit]") {
  caf_config missing;
  CHECK(missing.parse(string_list{"--config-file=/nonexistent/actortx.ini"}));
  CHECK_FALSE(missing.file_problem());
  caf_config none;
  CHECK_FALSE(none.parse(string_list{"--actortx.pool-max=3"}, "/nonexistent/default.ini"));
  CHECK(read_config(none).pool.max == 3);
}

TEST_CASE("the command line is refused by CAF as before: unknown option, wrong type", "[unit]") {
  caf_config unknown;
  auto err = unknown.parse(string_list{"--actortx.pool-mx=3"});
  CHECK(err == caf::pec::not_an_option);
  caf_config mistyped;
  CHECK(mistyped.parse(string_list{"--actortx.pool-max=twelve"}));
  CHECK_FALSE(mistyped.file_problem());
}

TEST_CASE("settings no caf_config parsed are checked for unknown actortx keys", "[unit]") {
  caf::actor_system_config plain;
  caf::put(plain.content, "actortx.pool-max", 4);
  CHECK(read_config(plain).pool.max == 4);
  caf::put(plain.content, "actortx.dashbord", true);
  CHECK_THROWS_WITH(read_config(plain),
                    Catch::StartsWith("actortx.dashbord: true is invalid: there is no such key; "
                                      "did you mean actortx.dashboard?"));
}
