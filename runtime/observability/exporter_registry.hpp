// The process's live runtimes as metrics sources: every runtime registers how to take its
// snapshot, and /metrics (of any runtime, on any of its servers) renders them all, so a
// process with two runtimes exports both. Thread-safe; internal to the library.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <actortx/metrics.hpp>

namespace actortx {

/// Keeps a source registered while it lives. Its destructor (or reset()) unregisters the
/// source and waits until no scrape is still calling it, so whatever the source uses may be
/// destroyed right after. Move-only.
class exporter_token {
 public:
  exporter_token() = default;
  exporter_token(exporter_token&& other) noexcept;
  exporter_token& operator=(exporter_token&& other) noexcept;
  exporter_token(const exporter_token&) = delete;
  exporter_token& operator=(const exporter_token&) = delete;
  ~exporter_token();

  /// Unregisters now (blocking while a scrape calls the source); a no-op when empty.
  void reset();
  explicit operator bool() const noexcept { return id_ != 0; }

 private:
  friend exporter_token register_metrics_source(std::function<metrics_snapshot()> source);
  explicit exporter_token(uint64_t id) noexcept : id_{id} {}
  uint64_t id_ = 0;
};

/// Adds `source` to the process's sources, after those registered before it. It is called on
/// the scraping thread (an HTTP server's), possibly concurrently with other scrapes; it may
/// block briefly (e.g. ask a metrics actor) and may throw: a source that throws is left out of
/// that scrape and counted in actortx_exporter_source_errors_total.
exporter_token register_metrics_source(std::function<metrics_snapshot()> source);

/// The Prometheus text of every registered source's snapshot, in registration order, plus
/// actortx_exporter_source_errors_total (process-wide, no identity labels).
std::string process_metrics_text();

/// Sources registered now (for tests and start-up logs).
size_t metrics_source_count();

}  // namespace actortx
