// Captures what actortx's loggers write while it lives (a sink on their destination), for tests
// of log lines.
#pragma once

#include <spdlog/sinks/ringbuffer_sink.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <actortx/log.hpp>

namespace actortx::test {

struct captured_log {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  std::shared_ptr<spdlog::logger> destination = log_destination();
  captured_log() { destination->sinks().push_back(sink); }
  ~captured_log() {
    auto& sinks = destination->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  }
  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;

  /// The lines that contain `needle`, oldest first.
  std::vector<std::string> lines_with(const std::string& needle) const {
    std::vector<std::string> out;
    for (auto& l : sink->last_formatted())
      if (l.find(needle) != std::string::npos) out.push_back(std::move(l));
    return out;
  }
  long count(const std::string& needle) const {
    return static_cast<long>(lines_with(needle).size());
  }
};

}  // namespace actortx::test
