#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include <actortx/log.hpp>

namespace actortx {

spdlog::logger& log() {
  // Created once; spdlog loggers are thread-safe (the _mt sink), so actors may log concurrently.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto existing = spdlog::get("actortx");
    if (existing) return existing;
    auto l = spdlog::stderr_color_mt("actortx");
    l->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [actortx] %v");
    l->set_level(spdlog::level::info);
    return l;
  }();
  return *logger;
}

bool set_log_level(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  // from_str answers "off" for unknown names; only accept "off" when it was asked for.
  if (lvl == spdlog::level::off && level != "off") return false;
  log().set_level(lvl);
  return true;
}

}  // namespace actortx
