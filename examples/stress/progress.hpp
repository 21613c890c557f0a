// Live progress: a redrawn one-line bar on a terminal (~5x/s), a plain line every ~2 s
// otherwise (logs and CI output stay readable).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "run_stats.hpp"

namespace stress {

class progress {
 public:
  /// Progress is measured against `total` transfers, or against `duration` when given.
  progress(const live_counters& live, int64_t total,
           std::optional<std::chrono::duration<double>> duration);
  ~progress() { stop(); }

  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  void start();
  /// Whether stdout is a terminal (the bar is redrawn in place): other output clears it first.
  bool tty() const noexcept { return tty_; }
  /// Draws the final state and ends the line; idempotent.
  void stop();

 private:
  void loop();
  std::string line(bool tty) const;

  const live_counters& live_;
  int64_t total_;
  std::optional<std::chrono::duration<double>> duration_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mtx_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace stress
