// Transaction records from the blocking lane on their way to the metrics actor. One message
// per record would wake a scheduler thread per transaction; instead records wait here and the
// metrics actor takes them in batches: a short while after the first one arrives, and before it
// answers any question (so that a caller never misses its own record). Internal to actors/.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

class record_outbox {
 public:
  /// True if the outbox was empty: then tell the metrics actor (one message per batch).
  bool push(tx_record r) {
    std::lock_guard<std::mutex> guard{mtx_};
    records_.push_back(std::move(r));
    return records_.size() == 1;
  }

  std::vector<tx_record> take_all() {
    std::vector<tx_record> out;
    std::lock_guard<std::mutex> guard{mtx_};
    out.swap(records_);
    return out;
  }

 private:
  std::mutex mtx_;
  std::vector<tx_record> records_;
};

}  // namespace actortx
