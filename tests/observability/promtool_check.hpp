// `promtool check metrics` for the exporter's tests: what it reports about a text, besides the
// one lint our OpenTelemetry names cause.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace actortx::test {

inline std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// The one lint promtool 2.42 has about our names: OpenTelemetry's db.client.connection.count
/// is a gauge whose Prometheus name ends in "_count" (docs/observability.md, "promtool").
inline const std::string known_lint =
    "db_client_connection_count non-histogram and non-summary metrics should not have \"_count\" "
    "suffix";

/// Runs `promtool check metrics` on `text`; returns what it reported besides known_lint
/// (nothing when the text is clean), or why it could not run.
inline std::string promtool_findings(const std::string& text) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    FAIL("promtool not found: apt-get install prometheus (scripts/test.sh installs it)");
  const std::string base = "/tmp/actortx_metrics_" + std::to_string(::getpid());
  std::ofstream{base + ".txt"} << text;
  int rc =
      std::system(("promtool check metrics < " + base + ".txt > " + base + ".out 2>&1").c_str());
  std::istringstream output{slurp(base + ".out")};
  std::remove((base + ".txt").c_str());
  std::remove((base + ".out").c_str());
  std::string findings;
  for (std::string line; std::getline(output, line);)
    if (!line.empty() && line != known_lint) findings += line + '\n';
  // 0: clean; 3: lint findings only (then all of them must be the known one).
  if (!WIFEXITED(rc) || (WEXITSTATUS(rc) != 0 && WEXITSTATUS(rc) != 3))
    findings += "promtool exit status " + std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
  return findings;
}

}  // namespace actortx::test
