// The pool's idle connections, shared with the blocking lane: a caller takes one and a
// connection thread gives itself back without a message to the pool, so a transaction's
// critical path wakes only the connection thread and then the caller. The pool still owns
// the connections (opens, replaces, validates them) and serves its queue of waiters first:
// while anyone waits, a connection goes back through the pool. Plain C++ (a template, so that
// it is tested under ThreadSanitizer without CAF). Internal to actors/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace actortx {

template <class Conn>
class idle_desk {
 public:
  /// A caller: the most recently used idle connection (warm caches), if any.
  std::optional<Conn> take() {
    std::lock_guard<std::mutex> guard{mtx_};
    return pop();
  }

  /// A lane caller: like take(), and counted in lent() (the pool's lease total includes it).
  std::optional<Conn> lend() {
    std::lock_guard<std::mutex> guard{mtx_};
    auto c = pop();
    if (c) ++lent_;
    return c;
  }
  uint64_t lent() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return lent_;
  }

  /// The pool, for a request it must answer: an idle connection, or the request is counted
  /// as waiting (so that connections given back go to the pool) until waiter_gone().
  std::optional<Conn> take_or_wait() {
    std::lock_guard<std::mutex> guard{mtx_};
    auto c = pop();
    if (!c) ++waiting_;
    return c;
  }
  void waiter_gone() {
    std::lock_guard<std::mutex> guard{mtx_};
    if (waiting_ > 0) --waiting_;
  }

  /// A connection thread after its attempt: false while the pool has waiters — then give it
  /// to the pool instead.
  bool give_back(Conn c) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (waiting_ > 0 || closed_) return false;
    idle_.push_back(std::move(c));
    return true;
  }

  /// The pool: idle now (no waiter wanted it).
  void put(Conn c) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!closed_) idle_.push_back(std::move(c));
  }

  /// The pool is gone: lends nothing and takes nothing back from now on. (A handle held here
  /// would keep its detached actor's thread waiting for ever at shutdown.)
  void close() {
    std::lock_guard<std::mutex> guard{mtx_};
    closed_ = true;
    idle_.clear();
  }

  /// The pool: a connection died or is validated; not idle any more. True if it was.
  template <class Pred>
  bool remove_if(Pred is_it) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = std::find_if(idle_.begin(), idle_.end(), is_it);
    if (i == idle_.end()) return false;
    idle_.erase(i);
    return true;
  }

  size_t idle() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return idle_.size();
  }

  /// The pool's sweep: takes out every idle connection `pick` chooses, oldest idle first
  /// (`pick` may count: it sees them in that order).
  template <class Pred>
  std::vector<Conn> take_if(Pred pick) {
    std::lock_guard<std::mutex> guard{mtx_};
    std::vector<Conn> out;
    auto keep = idle_.begin();
    for (auto i = idle_.begin(); i != idle_.end(); ++i) {
      if (pick(*i)) {
        out.push_back(std::move(*i));
      } else {
        if (keep != i) *keep = std::move(*i);  // never a self-move
        ++keep;
      }
    }
    idle_.erase(keep, idle_.end());
    return out;
  }

  /// A connection thread reset a session (counted in the pool's stats).
  void count_reset() {
    std::lock_guard<std::mutex> guard{mtx_};
    ++resets_;
  }
  uint64_t resets() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return resets_;
  }

 private:
  std::optional<Conn> pop() {
    if (idle_.empty()) return std::nullopt;
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  mutable std::mutex mtx_;
  std::vector<Conn> idle_;
  size_t waiting_ = 0;
  bool closed_ = false;
  uint64_t lent_ = 0;
  uint64_t resets_ = 0;
};

}  // namespace actortx
