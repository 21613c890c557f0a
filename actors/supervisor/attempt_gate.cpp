#include "actors/supervisor/attempt_gate.hpp"

#include "actors/pg/pg_link.hpp"

namespace actortx {

namespace {

bool advance(std::atomic<attempt_gate::phase>& p, attempt_gate::phase from,
             attempt_gate::phase to) noexcept {
  return p.compare_exchange_strong(from, to);
}

}  // namespace

bool attempt_gate::start(std::shared_ptr<pg_link> link) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!advance(phase_, phase::pending, phase::running)) return false;
  link_ = std::move(link);
  return true;
}

bool attempt_gate::enter_commit() noexcept {
  return advance(phase_, phase::running, phase::committing);
}

void attempt_gate::finish() noexcept {
  auto p = phase_.load();
  while (p != phase::expired && !phase_.compare_exchange_weak(p, phase::finished)) {
  }
  std::lock_guard<std::mutex> guard{mtx_};
  link_.reset();
}

bool attempt_gate::await_cancels(std::chrono::milliseconds settle) {
  std::unique_lock<std::mutex> guard{mtx_};
  return settled_.wait_for(guard, settle, [this] { return cancels_ == 0; });
}

attempt_gate::phase attempt_gate::expire() noexcept {
  auto p = phase_.load();
  while (p == phase::pending || p == phase::running) {
    if (phase_.compare_exchange_weak(p, phase::expired)) return phase::expired;
  }
  return p;
}

std::shared_ptr<pg_link> attempt_gate::claim_for_cancel() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (cut_) {
    ++cancels_;
    return std::move(cut_);
  }
  if (!link_ || phase_.load() != phase::expired) return nullptr;
  ++cancels_;
  return link_;
}

void attempt_gate::cancel_done() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (--cancels_ == 0) settled_.notify_all();
}

bool attempt_gate::cut_if_stuck() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!link_) return false;
  link_->cut();
  cut_ = link_;
  return true;
}

const char* to_string(attempt_gate::phase p) noexcept {
  switch (p) {
    case attempt_gate::phase::pending:
      return "pending";
    case attempt_gate::phase::running:
      return "running";
    case attempt_gate::phase::committing:
      return "committing";
    case attempt_gate::phase::finished:
      return "finished";
    case attempt_gate::phase::expired:
      return "expired";
  }
  return "?";
}

}  // namespace actortx
