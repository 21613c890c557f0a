// Strict checks of an INI text and of settings: unknown keys, wrong types, keys given twice.
#include "runtime/config/strict_ini.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/config_value.hpp>

#include "runtime/config/ini_lines.hpp"
#include "runtime/config/options.hpp"

namespace actortx::config_detail {

namespace {

std::string normalized(std::string s) {
  for (auto& c : s)
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> actortx_keys(const caf::config_option_set& options) {
  std::vector<std::string> out;
  for (const auto& opt : options)
    if (opt.category() == "actortx")
      out.emplace_back(opt.long_name().begin(), opt.long_name().end());
  return out;
}

/// "did you mean actortx.pool-max?" for a near miss, else the keys sharing its first word.
std::string suggestion(const std::string& key, const caf::config_option_set& options) {
  auto keys = actortx_keys(options);
  auto wanted = normalized(key);
  std::string best;
  size_t best_distance = std::max<size_t>(1, wanted.size() / 4) + 1;  // a typo or two
  for (const auto& k : keys) {
    auto d = edit_distance(wanted, k);
    if (d < best_distance) best = k, best_distance = d;
  }
  if (!best.empty()) return "; did you mean actortx." + best + "?";
  auto word = wanted.substr(0, wanted.find('-')) + "-";
  std::string family;
  for (const auto& k : keys)
    if (k.rfind(word, 0) == 0) family += (family.empty() ? "actortx." : ", actortx.") + k;
  if (!family.empty()) return "; keys starting with " + word + ": " + family;
  return "; --long-help lists the actortx keys";
}

config_error unknown_key(const std::string& key, const caf::config_value& value,
                         const caf::config_option_set& options, const std::string& where) {
  return config_error("actortx." + key, caf::to_string(value),
                      "there is no such key" + suggestion(key, options) +
                          (where.empty() ? "" : " (" + where + ")"));
}

/// Checks one key of the [actortx] section; a whole number for a number key goes to `out`.
void check_entry(const std::string& key, const caf::config_value& value,
                 const caf::config_option_set& options, const std::string& where, ini_check& out) {
  auto opt = options.qualified_name_lookup("actortx", key);
  if (opt == nullptr) {
    out.problem = unknown_key(key, value, options, where);
    out.code = caf::pec::not_an_option;
    return;
  }
  if (!opt->check(value)) return;
  if (opt->type_name() == "real64" && caf::holds_alternative<int64_t>(value)) {
    out.whole_numbers.emplace_back("actortx." + key, static_cast<double>(caf::get<int64_t>(value)));
    return;
  }
  out.problem = config_error("actortx." + key, caf::to_string(value),
                             "expected " + expected_text(*opt) + " (" + where + ")");
  out.code = caf::pec::type_mismatch;
}

void check_section(const caf::settings& group, const std::vector<ini_line>& lines,
                   const std::string& name, const caf::config_option_set& options, ini_check& out) {
  std::map<std::string, size_t> seen;  // key -> line
  for (size_t i = 0; i < lines.size() && !out.problem; ++i) {
    const auto& l = lines[i];
    if (l.section != "actortx" || l.key.empty()) continue;
    auto where = location(name, i + 1);
    if (auto [first, fresh] = seen.emplace(l.key, i + 1); !fresh) {
      out.problem =
          config_error("actortx." + l.key, l.value,
                       "the key is given twice (lines " + std::to_string(first->second) + " and " +
                           std::to_string(i + 1) + " of " + name + "); give it once");
      out.code = caf::pec::illegal_argument;
    } else if (auto v = group.find(l.key); v != group.end()) {
      check_entry(l.key, v->second, options, where, out);
    }
  }
  // Keys that reached the section another way, e.g. from an [actortx.sub] header.
  for (auto i = group.begin(); i != group.end() && !out.problem; ++i)
    if (seen.count(i->first) == 0) check_entry(i->first, i->second, options, "in " + name, out);
}

}  // namespace

ini_check check_ini(const std::string& text, const std::string& name,
                    const caf::config_option_set& options) {
  ini_check out;
  auto lines = scan_ini(text);
  std::istringstream in{text};
  auto raw = caf::actor_system_config::parse_config(in);  // without options: keeps everything
  if (!raw) {
    out.problem = syntax_problem(raw.error(), lines, name);
    out.code = raw.error().category() == caf::atom("parser")
                   ? static_cast<caf::pec>(raw.error().code())
                   : caf::pec::unexpected_character;
    return out;
  }
  auto group = raw->find("actortx");
  if (group != raw->end()) {
    if (auto dict = caf::get_if<caf::settings>(&group->second))
      check_section(*dict, lines, name, options, out);
  }
  return out;
}

void adopt_whole_numbers(const ini_check& check, caf::settings& content) {
  for (const auto& [key, value] : check.whole_numbers)
    if (caf::get_if(&content, key) == nullptr) caf::put(content, key, value);
}

caf::error to_parse_error(const ini_check& check) {
  return caf::error{static_cast<uint8_t>(check.code), caf::atom("parser"),
                    caf::make_message(std::string{check.problem->what()})};
}

void check_known_keys(const caf::settings& content) {
  auto group = content.find("actortx");
  if (group == content.end()) return;
  auto dict = caf::get_if<caf::settings>(&group->second);
  if (dict == nullptr) return;
  const auto& options = actortx_options();
  for (const auto& [key, value] : *dict)
    if (options.qualified_name_lookup("actortx", key) == nullptr)
      throw unknown_key(key, value, options, "");
}

}  // namespace actortx::config_detail
