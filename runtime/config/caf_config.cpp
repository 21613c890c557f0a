// caf_config: CAF's config with the actortx options, whose parse() checks the INI file strictly.
#include <cstring>
#include <fstream>
#include <sstream>

#include <caf/config_option.hpp>

#include <actortx/dsn.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/runtime_config.hpp>

#include "runtime/config/config_value.hpp"
#include "runtime/config/options.hpp"
#include "runtime/config/strict_ini.hpp"

namespace actortx {

namespace {

caf_config::string_list arguments(int argc, char** argv) {
  caf_config::string_list args;
  if (argc > 1) args.assign(argv + 1, argv + argc);
  return args;
}

/// Replaces the string at `key` in `content`, if one is there, by what `hide` makes of it.
template <class F>
void rewrite_string(caf::settings& content, const char* key, F hide) {
  const caf::string_view name{key, std::strlen(key)};
  if (auto value = caf::get_if<std::string>(&content, name)) caf::put(content, name, hide(*value));
}

}  // namespace

caf_config::caf_config() {
  register_messages(*this);
  config_detail::add_actortx_options(custom_options_);
}

caf::error caf_config::parse(string_list args, std::istream& ini) {
  file_problem_.reset();
  if (!ini.good()) return actor_system_config::parse(std::move(args), ini);
  std::stringstream text;
  text << ini.rdbuf();
  return parse_text(std::move(args), text.str(), "the INI input");
}

caf::error caf_config::parse(string_list args, const char* ini_file) {
  file_problem_.reset();
  // The file CAF would read: --config-file=PATH, else ini_file, else config_file_path.
  std::string path = ini_file != nullptr ? ini_file : config_file_path;
  if (auto opt = custom_options_.qualified_name_lookup("global.config-file")) {
    auto [arg, value] = caf::find_by_long_name(*opt, args.begin(), args.end());
    if (arg != args.end()) path = std::string{value.begin(), value.end()};
  }
  std::ifstream in{path};
  // No file to check (none, or an explicit one missing): CAF answers as usual.
  if (path.empty() || !in) return actor_system_config::parse(std::move(args), ini_file);
  if (ini_file != nullptr) config_file_path = ini_file;
  std::stringstream text;
  text << in.rdbuf();
  return parse_text(std::move(args), text.str(), path);
}

caf::error caf_config::parse(int argc, char** argv, std::istream& ini) {
  return parse(arguments(argc, argv), ini);
}

caf::error caf_config::parse(int argc, char** argv, const char* ini_file) {
  return parse(arguments(argc, argv), ini_file);
}

caf::error caf_config::parse_text(string_list args, const std::string& text,
                                  const std::string& name) {
  auto check = config_detail::check_ini(text, name, custom_options_);
  if (check.problem) {
    file_problem_ = check.problem;
    return config_detail::to_parse_error(check);
  }
  std::istringstream ini{text};
  auto err = actor_system_config::parse(std::move(args), ini);
  if (!err) config_detail::adopt_whole_numbers(check, content);
  return err;
}

caf::settings caf_config::dump_content() const {
  auto out = actor_system_config::dump_content();
  // Every secret key of the group; a misspelt one ("dashbord-token") is hidden as well.
  if (auto group = out.find("actortx"); group != out.end()) {
    if (auto dict = caf::get_if<caf::settings>(&group->second)) {
      for (auto& [key, value] : *dict)
        if (config_detail::is_secret_key(key)) value = std::string{"(hidden)"};
    }
  }
  rewrite_string(out, "actortx.dsn", [](const std::string& dsn) { return redact_dsn(dsn); });
  return out;
}

}  // namespace actortx
