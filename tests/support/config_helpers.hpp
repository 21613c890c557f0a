// What the configuration tests share: the error validate() gives, reading a runtime_config from
// command-line arguments, and a temporary INI file.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

namespace actortx::test {

using string_list = caf::actor_system_config::string_list;

/// what() of the config_error validate() throws, "" if none.
inline std::string problem(const runtime_config& cfg) {
  try {
    validate(cfg);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

/// read_config() of a caf_config parsed from CLI arguments; fails the test if CAF rejects them.
inline runtime_config read_args(const string_list& args) {
  caf_config cfg;
  auto err = cfg.parse(args);
  INFO(caf::to_string(err));
  REQUIRE_FALSE(err);
  return read_config(cfg);
}

/// A temporary INI file, removed when the test ends.
class temp_ini {
 public:
  explicit temp_ini(const std::string& text) {
    char name[] = "/tmp/actortx-config-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
    std::ofstream{path_} << text;
  }
  ~temp_ini() { std::remove(path_.c_str()); }
  temp_ini(const temp_ini&) = delete;
  temp_ini& operator=(const temp_ini&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace actortx::test
