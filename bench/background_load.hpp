// Background clients that can be switched on and off between measurements without
// reconnecting (for actortx-bench-deadline: the same run measures idle and loaded).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "timed_phase.hpp"

namespace actortx {
class runtime;
}

namespace bench {

class background_load {
 public:
  /// Starts `clients` threads, each set up by `make` (e.g. it connects), all paused. Rethrows
  /// the first setup error.
  background_load(int clients, const client_factory& make);
  ~background_load();  ///< stops and joins the clients (each finishes its transaction)
  background_load(const background_load&) = delete;
  background_load& operator=(const background_load&) = delete;

  void resume();
  /// Blocks until no client is inside a transaction.
  void pause();

  int64_t committed() const noexcept { return committed_.load(); }
  int64_t errors() const noexcept { return errors_.load(); }
  std::string first_error() const;

 private:
  void client(const client_fn& fn);
  void stop();

  mutable std::mutex mtx_;
  std::condition_variable cv_;
  bool running_ = false;
  bool stopping_ = false;
  int busy_ = 0;
  std::string first_error_;
  std::atomic<int64_t> committed_{0};
  std::atomic<int64_t> errors_{0};
  std::vector<std::thread> threads_;
};

/// TPC-B clients on connections of their own (raw libpqxx; `dsn` should carry a
/// connect_timeout). Needs pgbench's tables.
client_factory libpqxx_tpcb_clients(std::string dsn, int scale, uint64_t seed);
/// TPC-B clients through `rt` (they share its pool and actors with what is measured).
client_factory actortx_tpcb_clients(actortx::runtime& rt, int scale, uint64_t seed);

}  // namespace bench
