#include "runtime/observability/chart_js.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace actortx {

std::string default_chart_js_path() {
  // chart.min.js / chart.js are the UMD builds (a global Chart); chart.esm.js would need a
  // module loader. Older package versions spelled the files with a capital C.
  static const std::array<const char*, 4> candidates{
      "/usr/share/javascript/chart.js/chart.min.js", "/usr/share/javascript/chart.js/Chart.min.js",
      "/usr/share/javascript/chart.js/chart.js", "/usr/share/javascript/chart.js/Chart.js"};
  for (const char* path : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return {};
}

std::optional<std::string> read_chart_js(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace actortx
