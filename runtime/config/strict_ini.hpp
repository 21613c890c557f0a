// The INI file checked as strictly as CAF checks the command line. CAF 0.17's reader keeps a
// value of the wrong type for a declared key out of the settings without a word (so
// pool-max="twelve" leaves the default), stores an undeclared key unread, and keeps one of a
// key given twice; these checks turn each into a config_error naming the key.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/config_option_set.hpp>
#include <caf/error.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>

#include <actortx/config_error.hpp>

namespace actortx::config_detail {

struct ini_check {
  /// The first problem in file order; empty if the [actortx] section is sound.
  std::optional<config_error> problem;
  /// The parser error code parse() reports it with.
  caf::pec code = caf::pec::success;
  /// Whole numbers given for number keys (retry-multiplier=2): CAF drops them, we take them.
  std::vector<std::pair<std::string, double>> whole_numbers;
};

/// Checks the INI `text` (named `name` in messages) against the declared `options`: syntax,
/// unknown keys in [actortx], values of the wrong type, keys given twice.
ini_check check_ini(const std::string& text, const std::string& name,
                    const caf::config_option_set& options);

/// Puts the whole numbers of `check` into `content` where the command line left them unset.
void adopt_whole_numbers(const ini_check& check, caf::settings& content);

/// check.problem as the caf::error parse() returns (category "parser").
caf::error to_parse_error(const ini_check& check);

/// Throws config_error for a key in content's "actortx" group that no option declares (in
/// settings no caf_config parsed, or put there by code).
void check_known_keys(const caf::settings& content);

}  // namespace actortx::config_detail
