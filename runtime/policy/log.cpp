// One spdlog logger per component, each with its own level and one sink that forwards to the
// current destination. The component loggers never change once made (log() hands out
// references that must stay valid); the destination is swapped atomically instead.
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <actortx/log.hpp>

namespace actortx {

namespace {

constexpr std::array<const char*, log_component_count> component_names{
    "runtime", "pool",    "connection", "supervisor", "saga",
    "listen",  "metrics", "nodes",      "maintenance"};

constexpr const char* default_pattern = "%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v";

/// A logger registered as "actortx" (the old way to inject one), else stderr.
std::shared_ptr<spdlog::logger> default_destination() {
  if (auto existing = spdlog::get("actortx")) return existing;
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto l = std::make_shared<spdlog::logger>("actortx", std::move(sink));
  l->set_pattern(default_pattern);
  l->set_level(spdlog::level::trace);  // the components' levels decide
  return l;
}

struct destination_slot {
  std::shared_ptr<spdlog::logger> current = default_destination();

  std::shared_ptr<spdlog::logger> load() const { return std::atomic_load(&current); }
  void store(std::shared_ptr<spdlog::logger> l) { std::atomic_store(&current, std::move(l)); }
};

// Never destroyed (nor the loggers below): a thread or a static object's destructor may still
// log while the process exits, after function-local statics would be gone.
destination_slot& slot() {
  static auto* s = new destination_slot;
  return *s;
}

/// Hands each line to the destination's sinks, keeping the component's logger name.
class forward_sink final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    auto dest = slot().load();
    if (!dest || !dest->should_log(msg.level)) return;
    for (const auto& s : dest->sinks())
      if (s->should_log(msg.level)) s->log(msg);
    if (msg.level >= dest->flush_level()) dest->flush();
  }
  void flush() override {
    if (auto dest = slot().load()) dest->flush();
  }
  // Formatting is the destination's sinks' business.
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}
};

using logger_set = std::array<std::shared_ptr<spdlog::logger>, log_component_count>;

const logger_set& loggers() {
  static const auto* set = [] {
    auto* out = new logger_set;
    auto sink = std::make_shared<forward_sink>();
    for (size_t i = 0; i < log_component_count; ++i) {
      (*out)[i] =
          std::make_shared<spdlog::logger>(std::string{"actortx."} + component_names[i], sink);
      (*out)[i]->set_level(spdlog::level::info);
    }
    return out;
  }();
  return *set;
}

bool parse_level(const std::string& name, spdlog::level::level_enum& out) {
  out = spdlog::level::from_str(name);
  // from_str answers "off" for unknown names; only accept "off" when it was asked for.
  return out != spdlog::level::off || name == "off";
}

std::string trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return s.substr(b, e - b);
}

struct level_setting {
  log_component component;
  spdlog::level::level_enum level;
};

/// "runtime, pool, ...": the components a spec may name.
std::string component_list() {
  std::string out;
  for (const char* name : component_names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string unknown_component(const std::string& name) {
  return "unknown component \"" + name + "\" (" + component_list() + ")";
}

std::string unknown_level(const std::string& level, const std::string& component) {
  return "unknown level \"" + level + "\" for " + component +
         " (trace, debug, info, warn, error, critical, off)";
}

/// The settings of a spec, or what is wrong with it (then `problem` is set).
std::vector<level_setting> parse_spec(const std::string& spec, std::string& problem) {
  std::vector<level_setting> out;
  size_t start = 0;
  while (start <= spec.size()) {
    auto comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const auto part = trimmed(spec.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string::npos) {
      problem = '"' + part + "\" is not component=level";
      return {};
    }
    level_setting s{};
    const auto name = trimmed(part.substr(0, eq));
    const auto level = trimmed(part.substr(eq + 1));
    if (!parse_log_component(name, s.component)) {
      problem = unknown_component(name);
      return {};
    }
    if (!parse_level(level, s.level)) {
      problem = unknown_level(level, name);
      return {};
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

const char* to_string(log_component c) noexcept {
  const auto i = static_cast<size_t>(c);
  return i < log_component_count ? component_names[i] : "runtime";
}

bool parse_log_component(const std::string& name, log_component& out) noexcept {
  for (size_t i = 0; i < log_component_count; ++i)
    if (name == component_names[i]) {
      out = static_cast<log_component>(i);
      return true;
    }
  return false;
}

spdlog::logger& log(log_component c) {
  const auto i = static_cast<size_t>(c);
  return *loggers()[i < log_component_count ? i : 0];
}

spdlog::logger& log() {
  return log(log_component::runtime);
}

bool set_log_level(const std::string& level) {
  spdlog::level::level_enum lvl{};
  if (!parse_level(level, lvl)) return false;
  for (const auto& l : loggers()) l->set_level(lvl);
  return true;
}

bool set_log_level(log_component c, const std::string& level) {
  spdlog::level::level_enum lvl{};
  if (!parse_level(level, lvl)) return false;
  log(c).set_level(lvl);
  return true;
}

std::string log_levels_problem(const std::string& spec) {
  std::string problem;
  parse_spec(spec, problem);
  return problem;
}

bool set_log_levels(const std::string& spec) {
  std::string problem;
  const auto settings = parse_spec(spec, problem);
  if (!problem.empty()) return false;
  for (const auto& s : settings) log(s.component).set_level(s.level);
  return true;
}

void set_log_destination(std::shared_ptr<spdlog::logger> destination) {
  slot().store(destination ? std::move(destination) : default_destination());
}

std::shared_ptr<spdlog::logger> log_destination() {
  return slot().load();
}

}  // namespace actortx
