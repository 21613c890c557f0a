// Headless Chromium for the [browser] tests: find it, dump a page's DOM after some virtual
// time, take a screenshot, and read elements back out of the dumped markup.
//
// Without Chromium a test warns and passes, unless ACTORTX_REQUIRE_BROWSER is set and not 0
// (scripts/test.sh, which .ci/run runs, sets it and installs chromium): see chromium_or_skip.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace actortx::test {

/// The first of $ACTORTX_CHROMIUM, chromium, chromium-browser that is on the PATH; "" if none.
inline std::string find_chromium() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ACTORTX_CHROMIUM"); env && *env) candidates.push_back(env);
  candidates.insert(candidates.end(), {"chromium", "chromium-browser"});
  for (const auto& c : candidates)
    if (std::system(("command -v '" + c + "' >/dev/null 2>&1").c_str()) == 0) return c;
  return {};
}

/// find_chromium(), or "" after a warning (the test should return), or a failure when
/// ACTORTX_REQUIRE_BROWSER says a browser must be there.
inline std::string chromium_or_skip() {
  auto chromium = find_chromium();
  if (!chromium.empty()) return chromium;
  const char* require = std::getenv("ACTORTX_REQUIRE_BROWSER");
  if (require && *require && std::string{require} != "0")
    FAIL("chromium not found and ACTORTX_REQUIRE_BROWSER is set: apt-get install chromium");
  WARN("chromium not installed: the browser test is skipped (apt-get install chromium)");
  return {};
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A headless Chromium with a throwaway profile. Runs as root too (--no-sandbox: the sandbox
/// refuses root, and this browser only opens our own page on loopback).
class headless_chromium {
 public:
  explicit headless_chromium(std::string binary) : binary_(std::move(binary)) {
    char tmpl[] = "/tmp/actortx-chromium-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
  }
  ~headless_chromium() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  headless_chromium(const headless_chromium&) = delete;
  headless_chromium& operator=(const headless_chromium&) = delete;

  /// The DOM after `budget_ms` of virtual time: the page's timers (its 2 s polls) run
  /// without waiting in real time, and virtual time stands still while a fetch is pending.
  std::string dump_dom(const std::string& url, int budget_ms) {
    auto out = dir_ / "dom.html";
    run("--virtual-time-budget=" + std::to_string(budget_ms) + " --dump-dom '" + url + "' > '" +
        out.string() + "'");
    return slurp(out);
  }

  void screenshot(const std::string& url, const std::string& png, int budget_ms,
                  const std::string& window = "1400,1000") {
    run("--virtual-time-budget=" + std::to_string(budget_ms) +
        " --hide-scrollbars --window-size=" + window + " --screenshot='" + png + "' '" + url + "'");
  }

 private:
  void run(const std::string& args) {
    auto err = dir_ / "stderr.txt";
    std::string cmd = "timeout 120 '" + binary_ +
                      "' --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                      "--no-first-run --no-default-browser-check --user-data-dir='" +
                      (dir_ / "profile").string() + "' " + args + " 2> '" + err.string() + "'";
    int rc = std::system(cmd.c_str());
    INFO("command: " << cmd);
    INFO("stderr: " << slurp(err));
    REQUIRE(WIFEXITED(rc));
    REQUIRE(WEXITSTATUS(rc) == 0);
  }

  std::string binary_;
  std::filesystem::path dir_;
};

/// The text of the first element with id="<id>" up to its first child tag.
inline std::string text_of(const std::string& dom, const std::string& id) {
  auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "<no element " + id + ">";
  auto open_end = dom.find('>', at);
  auto close = dom.find('<', open_end);
  return dom.substr(open_end + 1, close - open_end - 1);
}

/// The opening tag of the first element with id="<id>" ("" when there is none).
inline std::string tag_of(const std::string& dom, const std::string& id) {
  auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  auto open = dom.rfind('<', at);
  return dom.substr(open, dom.find('>', at) - open + 1);
}

/// The markup from the first element with id="<id>" up to the next `end_tag` after it.
inline std::string markup_of(const std::string& dom, const std::string& id,
                             const std::string& end_tag) {
  auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  auto end = dom.find(end_tag, at);
  return dom.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace actortx::test
