// The same exposition through prometheus-cpp (Debian prometheus-cpp-dev 1.0.1): a Registry
// with one Family per actortx family, kept in step with actortx's metrics model either per
// scrape (sync: counters and histograms by their increase since the last scrape) or per
// record (observe: what instrumenting the hot path with prometheus-cpp would do).
#pragma once

#include <memory>
#include <string>

#include <actortx/metrics.hpp>

namespace bench {

class prometheus_cpp_mirror {
 public:
  explicit prometheus_cpp_mirror(const actortx::runtime_identity& id);
  ~prometheus_cpp_mirror();
  prometheus_cpp_mirror(const prometheus_cpp_mirror&) = delete;
  prometheus_cpp_mirror& operator=(const prometheus_cpp_mirror&) = delete;

  /// Brings every series to the snapshot's figures.
  void sync(const actortx::metrics_snapshot& s);
  /// Registry::Collect + TextSerializer: the /metrics text.
  std::string render() const;
  /// Counts one finished transaction the way metrics_store::add does for the exported
  /// series (histogram, retries, rows, savepoints, failed attempts).
  void observe(const actortx::tx_record& r);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bench
