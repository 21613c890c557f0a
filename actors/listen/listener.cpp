// The listener's thread: serve, and on a lost connection reconnect with backoff, re-LISTEN and
// report the gap; never on a CAF scheduler thread (its waits are blocking poll() calls).
#include "actors/listen/listener.hpp"

#include <poll.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>

#include "runtime/policy/retry_policy.hpp"

namespace actortx {

namespace {

using clock_type = std::chrono::steady_clock;
using open_state = listen_open_result::state;

/// The listener whose thread this is (null elsewhere): how stop() knows it runs in a callback.
thread_local const listener* serving_now = nullptr;

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Sleeps for `delay`; true if `wake` was raised meanwhile.
bool woken_within(const wake_signal& wake, std::chrono::milliseconds delay) {
  pollfd fd{wake.fd(), POLLIN, 0};
  const auto until = clock_type::now() + delay;
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock_type::now());
    if (left.count() <= 0) return false;
    int n = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n == 0) return false;
  }
}

template <class Fn, class Arg>
void call_guarded(const Fn& fn, const Arg& arg, const std::string& channel) {
  if (!fn) return;
  try {
    fn(arg);
  } catch (const std::exception& e) {
    // One failing callback must not end the subscription for the notifications after it.
    log(log_component::listen)
        .error("listener on channel \"{}\": the callback threw: {}", channel, e.what());
  } catch (...) {
    log(log_component::listen).error("listener on channel \"{}\": the callback threw", channel);
  }
}

}  // namespace

listener::listener(listener_settings settings, listen_sink sink)
    : settings_(std::move(settings)), sink_(std::move(sink)) {}

std::shared_ptr<listener> listener::start(listener_settings settings, listen_sink sink) {
  std::shared_ptr<listener> l{new listener(std::move(settings), std::move(sink))};
  const auto& s = l->settings_;
  auto opened = l->conn_.open(s.dsn, s.channel, clock_type::now() + s.connect_timeout, l->wake_);
  if (opened.outcome != open_state::listening) throw std::runtime_error(opened.reason);
  log(log_component::listen)
      .info("listening on channel \"{}\" at {}", s.channel, dsn_target(s.dsn));
  // The thread keeps its listener alive: a callback may drop the last handle.
  l->thread_ = std::thread([self = l->shared_from_this()] { self->run(); });
  return l;
}

void listener::stop() noexcept {
  wake_.raise();  // also the flag: once raised, every wait of the thread returns at once
  if (serving_now == this) return;  // from a callback: the thread ends right after it
  std::unique_lock<std::mutex> lock{finished_mutex_};
  finished_cv_.wait(lock, [this] { return finished_; });
}

listener::~listener() {
  // The last reference goes either with a stopper (the thread is over or about to be), or
  // with the thread itself, which cannot join itself.
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id())
      thread_.detach();
    else
      thread_.join();
  }
}

void listener::run() {
  serving_now = this;
  for (;;) {
    auto lost = conn_.serve(wake_, [this](const PGnotify& n) { deliver(n); });
    if (!lost) break;  // stopped
    notification_gap gap;
    gap.channel = settings_.channel;
    gap.lost_at_ms = unix_ms();
    gap.reason = *lost;
    log(log_component::listen)
        .warn(
            "listener on channel \"{}\" lost its connection ({}); reconnecting, NOTIFYs until it "
            "listens again are not received",
            settings_.channel, gap.reason);
    if (!reconnect(gap)) break;
    log(log_component::listen)
        .info("listening on channel \"{}\" again after {} ms ({} connection attempt(s))",
              settings_.channel, gap.resumed_at_ms - gap.lost_at_ms, gap.reconnects);
    deliver(gap);
  }
  conn_.close();
  sink_ = listen_sink{};
  log(log_component::listen).info("stopped listening on channel \"{}\"", settings_.channel);
  std::lock_guard<std::mutex> guard{finished_mutex_};
  finished_ = true;
  finished_cv_.notify_all();
}

bool listener::reconnect(notification_gap& gap) {
  std::mt19937 random{std::random_device{}()};
  std::uniform_real_distribution<double> uniform01{0.0, 1.0};
  for (uint32_t attempt = 1;; ++attempt) {
    gap.reconnects = attempt;
    auto opened = conn_.open(settings_.dsn, settings_.channel,
                             clock_type::now() + settings_.connect_timeout, wake_);
    if (opened.outcome == open_state::listening) {
      gap.resumed_at_ms = unix_ms();
      return true;
    }
    if (opened.outcome == open_state::stopped) return false;
    auto delay = jittered_delay(settings_.reconnect, attempt, uniform01(random));
    log(log_component::listen)
        .debug("listener on channel \"{}\": reconnect attempt {} failed ({}); next in {} ms",
               settings_.channel, attempt, opened.reason, delay.count());
    if (woken_within(wake_, delay)) return false;
  }
}

void listener::deliver(const PGnotify& n) {
  notification out;
  out.channel = n.relname != nullptr ? n.relname : settings_.channel;
  out.payload = n.extra != nullptr ? n.extra : "";
  out.sender_pid = n.be_pid;
  out.sequence = ++sequence_;
  call_guarded(sink_.on_notify, out, settings_.channel);
}

void listener::deliver(const notification_gap& gap) {
  call_guarded(sink_.on_gap, gap, settings_.channel);
}

}  // namespace actortx
