// The façade's retention call: a pruning round now, by the node's pruner (blocking).
#include <caf/all.hpp>

#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"

namespace actortx {

namespace {

/// A round of a big backlog runs many batches: wait long, but not for ever.
constexpr auto prune_timeout = std::chrono::minutes(10);

prune_report ask_pruner(caf::actor_system& sys, const pruner_actor& pruner, int64_t as_of_us) {
  prune_report out;
  std::string failure;
  blocking_self self{sys};
  self->request(pruner, prune_timeout, prune_atom::value, as_of_us)
      .receive([&](prune_report& r) { out = std::move(r); },
               [&](caf::error& err) { failure = sys.render(err); });
  if (!failure.empty()) throw query_error("prune_now: " + failure);
  return out;
}

}  // namespace

prune_report runtime::prune_now() {
  return ask_pruner(*impl_->sys, impl_->pruner, -1);
}

prune_report runtime::prune_now(std::chrono::system_clock::time_point as_of) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(as_of.time_since_epoch()).count();
  if (us < 0) throw query_error("prune_now: as_of must not be before 1970");
  return ask_pruner(*impl_->sys, impl_->pruner, us);
}

}  // namespace actortx
