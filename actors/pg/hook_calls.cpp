// Calling an attempt's notification hooks.
#include "actors/pg/hook_calls.hpp"

#include <exception>
#include <vector>

#include <actortx/log.hpp>

#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

const std::vector<tx_hooks::notify_fn>& list_of(const tx_hooks& set, hook_kind kind) noexcept {
  switch (kind) {
    case hook_kind::pre_rollback:
      return set.pre_rollback_hooks();
    case hook_kind::post_commit:
      return set.post_commit_hooks();
    case hook_kind::post_rollback:
      break;
  }
  return set.post_rollback_hooks();
}

const char* name_of(hook_kind kind) noexcept {
  switch (kind) {
    case hook_kind::pre_rollback:
      return "pre-rollback";
    case hook_kind::post_commit:
      return "post-commit";
    case hook_kind::post_rollback:
      break;
  }
  return "post-rollback";
}

}  // namespace

hook_event attempt_event(const exec_request& req, int32_t backend_pid, std::string reason) {
  hook_event ev;
  ev.tx_id = req.tx_id;
  ev.attempt = req.attempt;
  ev.label = req.opts.label;
  ev.saga_id = req.opts.saga_id;
  ev.backend_pid = backend_pid;
  ev.reason = std::move(reason);
  return ev;
}

void notify_hooks(const attempt_hooks& hooks, hook_kind kind, const hook_event& ev) noexcept {
  for (const tx_hooks* set : {hooks.global, hooks.local}) {
    if (set == nullptr) continue;
    for (const auto& fn : list_of(*set, kind)) {
      try {
        fn(ev);
      } catch (const std::exception& e) {
        log(log_component::connection)
            .error("{} attempt {}: {} hook threw: {}", tx_name{ev.tx_id, ev.label, ev.saga_id},
                   ev.attempt, name_of(kind), e.what());
      } catch (...) {
        log(log_component::connection)
            .error("{} attempt {}: {} hook threw a non-standard exception",
                   tx_name{ev.tx_id, ev.label, ev.saga_id}, ev.attempt, name_of(kind));
      }
    }
  }
}

bool has_pre_commit_hooks(const attempt_hooks& hooks) noexcept {
  for (const tx_hooks* set : {hooks.global, hooks.local})
    if (set != nullptr && !set->pre_commit_hooks().empty()) return true;
  return false;
}

}  // namespace actortx
