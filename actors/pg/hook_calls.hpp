// Calling an attempt's notification hooks (runtime-wide first, then the transaction's), for
// runners that are not run_attempt. Internal to actors/.
#pragma once

#include <cstdint>
#include <string>

#include <actortx/tx_hooks.hpp>

#include "actors/pg/attempt_runner.hpp"
#include "messages/attempt.hpp"

namespace actortx {

enum class hook_kind { pre_rollback, post_commit, post_rollback };

/// What the hooks learn about the attempt; `reason` for the rollback hooks.
hook_event attempt_event(const exec_request& req, int32_t backend_pid, std::string reason = {});

/// Calls every hook of `kind`; a throwing hook is logged at error and skipped, as in
/// run_attempt.
void notify_hooks(const attempt_hooks& hooks, hook_kind kind, const hook_event& ev) noexcept;

/// True if either set has pre-commit hooks: they need a tx& inside the open transaction, which
/// a pipelined script (COMMIT sent with the statements) cannot offer.
bool has_pre_commit_hooks(const attempt_hooks& hooks) noexcept;

}  // namespace actortx
