// Helpers of the asynchronous API's tests (async_test.cpp, async_cancel_test.cpp): waiting for
// a condition, what the server runs, and a body that holds its connection until released.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <actortx/runtime.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"

namespace actortx::test {

/// Backends running a statement containing `needle`, seen from an independent connection.
inline long running(test_schema& db, const std::string& needle) {
  return db.value<long>(
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" + needle +
      "%' AND pid <> pg_backend_pid()");
}

template <class T>
bool ready_within(const std::future<T>& f, std::chrono::milliseconds limit) {
  return f.wait_for(limit) == std::future_status::ready;
}

/// A body that holds its connection until `release` is fulfilled (blocked in its own code, not
/// in the database), then writes `who`.
struct connection_holder {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::shared_ptr<std::atomic<bool>> holding = std::make_shared<std::atomic<bool>>(false);

  std::function<void(tx&)> body(const std::string& who) {
    return [released = released, holding = holding, who](tx& t) {
      *holding = true;
      released.wait();
      t.exec("INSERT INTO note VALUES ($1)", who);
    };
  }
};

}  // namespace actortx::test
