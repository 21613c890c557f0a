// Reads a Prometheus text exposition back into samples (name, labels, value) and families
// (TYPE lines), so tests can ask for a series by its labels instead of by its exact text.
#pragma once

#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace actortx::test {

struct prom_sample {
  std::string name;
  std::map<std::string, std::string> labels;  ///< values unescaped
  std::string value;
};

struct prom_text {
  std::vector<prom_sample> samples;
  std::vector<std::pair<std::string, std::string>> types;  ///< (family, type) in text order
  std::vector<std::string> helps;                          ///< families with a HELP line

  /// Samples called `name` whose labels include all of `want`.
  std::vector<prom_sample> find(const std::string& name,
                                const std::map<std::string, std::string>& want = {}) const {
    std::vector<prom_sample> out;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : want) {
        auto i = s.labels.find(k);
        if (i == s.labels.end() || i->second != v) match = false;
      }
      if (match) out.push_back(s);
    }
    return out;
  }

  /// The value of the one sample `name` with labels `want` (throws unless exactly one).
  std::string value(const std::string& name,
                    const std::map<std::string, std::string>& want = {}) const {
    auto found = find(name, want);
    if (found.size() != 1)
      throw std::runtime_error(name + ": " + std::to_string(found.size()) + " samples match");
    return found.front().value;
  }

  /// The TYPE of `family`, or nothing when it has no TYPE line.
  std::optional<std::string> type_of(const std::string& family) const {
    for (const auto& [f, t] : types)
      if (f == family) return t;
    return std::nullopt;
  }
};

/// Parses `text`; throws std::runtime_error naming the line when a sample is malformed.
inline prom_text parse_prometheus(const std::string& text) {
  prom_text out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      out.types.emplace_back(rest.substr(0, sp), rest.substr(sp + 1));
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) {
      auto rest = line.substr(7);
      out.helps.push_back(rest.substr(0, rest.find(' ')));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    prom_sample s;
    size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) throw std::runtime_error("no value: " + line);
    s.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        auto eq = line.find('=', i);
        if (eq == std::string::npos || line[eq + 1] != '"')
          throw std::runtime_error("bad label: " + line);
        auto key = line.substr(i, eq - i);
        std::string value;
        size_t k = eq + 2;
        for (; k < line.size() && line[k] != '"'; ++k) {
          if (line[k] == '\\' && k + 1 < line.size()) {
            ++k;
            value += line[k] == 'n' ? '\n' : line[k];
          } else {
            value += line[k];
          }
        }
        if (k >= line.size()) throw std::runtime_error("unterminated label: " + line);
        s.labels[key] = value;
        i = k + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) throw std::runtime_error("unterminated labels: " + line);
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') throw std::runtime_error("no value: " + line);
    s.value = line.substr(i + 1);
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace actortx::test
