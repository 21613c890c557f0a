#include "run_stats.hpp"

namespace stress {

void outcome_tally::merge(outcome_tally&& other) {
  latencies.merge(other.latencies);
  for (auto& [key, info] : other.failures) {
    auto& mine = failures[key];
    if (mine.count == 0) mine.sample = std::move(info.sample);
    mine.count += info.count;
  }
  deadlines.merge(other.deadlines);
}

int64_t succeeded(const live_counters& live) noexcept {
  return live.committed.load() + live.skipped.load() + live.compensated.load();
}

void record_outcome(const actortx::tx_outcome& out, bool skipped, live_counters& live,
                    outcome_tally& tally) {
  using actortx::tx_state;
  tally.latencies.add(out.duration.count());
  if (out.attempts > 1) live.retries += out.attempts - 1;
  // A remote transfer's "no money" is a rollback by the procedure, on purpose.
  const bool no_money = skipped && out.state == tx_state::rolled_back;
  switch (no_money ? tx_state::committed : out.state) {
    case tx_state::committed:
      ++(skipped ? live.skipped : live.committed);
      break;
    case tx_state::timeout:
      ++live.timeouts;
      break;
    case tx_state::in_doubt:
      ++live.in_doubt;
      break;
    default: {  // failed, rolled back (never asked for), or a state that should not be final
      ++live.failed;
      auto key = !out.sqlstate.empty() ? out.sqlstate : std::string{actortx::to_string(out.code)};
      auto& info = tally.failures[key];
      if (info.count++ == 0) info.sample = out.message;
      break;
    }
  }
  ++live.done;  // last: the progress line never shows more outcomes than were counted
}

}  // namespace stress
