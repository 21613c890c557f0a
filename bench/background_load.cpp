#include "background_load.hpp"

#include <exception>
#include <memory>
#include <stdexcept>

#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "tpcb_txn.hpp"

namespace bench {

background_load::background_load(int clients, const client_factory& make) {
  std::mutex setup_mtx;
  std::condition_variable setup_cv;
  int ready = 0;
  std::exception_ptr setup_error;
  for (int i = 0; i < clients; ++i) {
    threads_.emplace_back([&, i] {
      client_fn fn;
      try {
        fn = make(i);
      } catch (...) {
        std::lock_guard<std::mutex> guard{setup_mtx};
        if (!setup_error) setup_error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> guard{setup_mtx};
        ++ready;
      }
      setup_cv.notify_all();
      if (fn) client(fn);
    });
  }
  std::unique_lock<std::mutex> guard{setup_mtx};
  setup_cv.wait(guard, [&] { return ready == clients; });
  if (setup_error) {
    guard.unlock();
    stop();  // the clients that did start
    std::rethrow_exception(setup_error);
  }
}

background_load::~background_load() {
  stop();
}

void background_load::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void background_load::resume() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    running_ = true;
  }
  cv_.notify_all();
}

void background_load::pause() {
  std::unique_lock<std::mutex> guard{mtx_};
  running_ = false;
  cv_.wait(guard, [this] { return busy_ == 0; });
}

std::string background_load::first_error() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return first_error_;
}

void background_load::client(const client_fn& fn) {
  std::unique_lock<std::mutex> guard{mtx_};
  for (;;) {
    cv_.wait(guard, [this] { return stopping_ || running_; });
    if (stopping_) return;
    ++busy_;
    guard.unlock();
    std::string error;
    try {
      if (!fn()) error = "not committed";
    } catch (const std::exception& e) {
      error = e.what();
    }
    (error.empty() ? committed_ : errors_).fetch_add(1);
    guard.lock();
    if (!error.empty() && first_error_.empty()) first_error_ = error;
    if (--busy_ == 0 && !running_) cv_.notify_all();
  }
}

client_factory libpqxx_tpcb_clients(std::string dsn, int scale, uint64_t seed) {
  return [dsn, scale, seed](int index) -> client_fn {
    auto conn = std::make_shared<pqxx::connection>(dsn);
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    return [conn, gen] {
      pqxx::work w{*conn};
      run_tpcb([&](const std::string& sql, auto... args) { w.exec_params(sql, args...); },
               gen->next());
      w.commit();
      return true;
    };
  };
}

client_factory actortx_tpcb_clients(actortx::runtime& rt, int scale, uint64_t seed) {
  return [&rt, scale, seed](int index) -> client_fn {
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    auto opts = std::make_shared<actortx::tx_options>(rt.default_options());
    opts->label = "background-tpcb";
    opts->timeout = std::chrono::seconds(10);
    return [&rt, gen, opts] {
      auto p = gen->next();
      auto out = rt.transact(*opts, [&](actortx::tx& t) {
        run_tpcb([&](const std::string& sql, auto... args) { t.exec(sql, args...); }, p);
      });
      if (!out.committed()) throw std::runtime_error(out.message);
      return true;
    };
  };
}

}  // namespace bench
