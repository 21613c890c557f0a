#include "runtime/observability/exporter_registry.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/observability/prometheus_text.hpp"

namespace actortx {

namespace {

struct source_entry {
  std::function<metrics_snapshot()> take;
  bool registered = true;      // guarded by registry::mtx
  size_t calls_in_flight = 0;  // guarded by registry::mtx
};

/// The process-wide sources. Scrapes call sources outside the lock (a source may block);
/// unregistering waits for the calls of its source to end, and no call starts after it.
struct registry {
  std::mutex mtx;
  std::condition_variable call_ended;
  std::map<uint64_t, std::shared_ptr<source_entry>> sources;  // ids grow: registration order
  uint64_t next_id = 0;
  std::atomic<uint64_t> source_errors{0};

  static registry& instance() {
    // Never destroyed: a runtime torn down by a static destructor may still unregister.
    static auto* r = new registry;
    return *r;
  }

  void remove(uint64_t id) {
    std::unique_lock<std::mutex> lock{mtx};
    auto i = sources.find(id);
    if (i == sources.end()) return;
    auto entry = i->second;
    sources.erase(i);
    entry->registered = false;
    call_ended.wait(lock, [&] { return entry->calls_in_flight == 0; });
  }

  /// The entry's snapshot, unless it was unregistered meanwhile or threw (then counted).
  std::optional<metrics_snapshot> call(source_entry& e) {
    {
      std::lock_guard<std::mutex> lock{mtx};
      if (!e.registered) return std::nullopt;
      ++e.calls_in_flight;
    }
    std::optional<metrics_snapshot> out;
    try {
      out = e.take();
    } catch (...) {
      source_errors.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard<std::mutex> lock{mtx};
    --e.calls_in_flight;
    call_ended.notify_all();
    return out;
  }

  /// The snapshots of the sources registered now, in registration order.
  std::vector<metrics_snapshot> snapshots() {
    std::vector<std::shared_ptr<source_entry>> entries;
    {
      std::lock_guard<std::mutex> lock{mtx};
      entries.reserve(sources.size());
      for (auto& kv : sources) entries.push_back(kv.second);
    }
    std::vector<metrics_snapshot> out;
    out.reserve(entries.size());
    for (auto& e : entries)
      if (auto s = call(*e)) out.push_back(std::move(*s));
    return out;
  }
};

}  // namespace

exporter_token::exporter_token(exporter_token&& other) noexcept
    : id_{std::exchange(other.id_, 0)} {}

exporter_token& exporter_token::operator=(exporter_token&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

exporter_token::~exporter_token() {
  reset();
}

void exporter_token::reset() {
  if (id_ == 0) return;
  registry::instance().remove(std::exchange(id_, 0));
}

exporter_token register_metrics_source(std::function<metrics_snapshot()> source) {
  auto& r = registry::instance();
  auto entry = std::make_shared<source_entry>();
  entry->take = std::move(source);
  std::lock_guard<std::mutex> lock{r.mtx};
  auto id = ++r.next_id;
  r.sources.emplace(id, std::move(entry));
  return exporter_token{id};
}

std::string process_metrics_text() {
  auto& r = registry::instance();
  auto snapshots = r.snapshots();
  prometheus_writer w;
  write_prometheus_families(w, snapshots);
  w.family("actortx_exporter_source_errors_total", "counter",
           "Runtime snapshots left out of a scrape because taking them failed.");
  w.sample("actortx_exporter_source_errors_total", {},
           r.source_errors.load(std::memory_order_relaxed));
  return w.take();
}

size_t metrics_source_count() {
  auto& r = registry::instance();
  std::lock_guard<std::mutex> lock{r.mtx};
  return r.sources.size();
}

}  // namespace actortx
