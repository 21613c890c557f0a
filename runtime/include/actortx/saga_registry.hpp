// Saga types, registered by name before the runtime starts, so that a restarted node can
// resume (or compensate) the sagas its previous incarnation left behind.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <actortx/saga_context.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/tx.hpp>

namespace actortx {

/// A step's action or compensation as C++: runs inside one transaction, reads and writes the
/// saga's context. Like any body it may run again on a retry (only the committed run counts).
using saga_body = std::function<void(tx&, saga_context&)>;
/// A step's action or compensation as a script built from the context (parameters bound, never
/// spliced into SQL). A script cannot change the context.
using saga_script = std::function<tx_script(const saga_context&)>;

/// A step's action or compensation as a call of a procedure (registered on the node that runs
/// the step), its arguments taken from the context. Like a script it can run on another node
/// and cannot change the context.
using saga_call = std::function<procedure_call(const saga_context&)>;

/// What a step (or its compensation) runs: a body, a script builder, a procedure call builder,
/// or nothing.
class saga_action {
 public:
  saga_action() = default;
  saga_action(saga_body body) : fn_(std::move(body)) {}        // NOLINT: implicit on purpose
  saga_action(saga_script script) : fn_(std::move(script)) {}  // NOLINT
  saga_action(tx_script script)                                // NOLINT: a fixed script
      : fn_(saga_script{[s = std::move(script)](const saga_context&) { return s; }}) {}
  saga_action(saga_call call) : fn_(std::move(call)) {}  // NOLINT
  saga_action(procedure_call call)                       // NOLINT: fixed arguments
      : fn_(saga_call{[c = std::move(call)](const saga_context&) { return c; }}) {}
  /// Any callable as a body (tx&, saga_context&) or a script builder (const saga_context&).
  template <class F, std::enable_if_t<std::is_invocable_v<F&, tx&, saga_context&>, int> = 0>
  saga_action(F f) : fn_(saga_body{std::move(f)}) {}  // NOLINT
  template <class F, std::enable_if_t<!std::is_invocable_v<F&, tx&, saga_context&> &&
                                          std::is_invocable_r_v<tx_script, F&, const saga_context&>,
                                      int> = 0>
  saga_action(F f) : fn_(saga_script{std::move(f)}) {}  // NOLINT
  template <class F,
            std::enable_if_t<
                !std::is_invocable_v<F&, tx&, saga_context&> &&
                    std::is_same_v<std::invoke_result_t<F&, const saga_context&>, procedure_call>,
                int> = 0>
  saga_action(F f) : fn_(saga_call{std::move(f)}) {}  // NOLINT

  bool empty() const noexcept { return std::holds_alternative<std::monostate>(fn_); }
  const saga_body* body() const noexcept { return std::get_if<saga_body>(&fn_); }
  const saga_script* script() const noexcept { return std::get_if<saga_script>(&fn_); }
  const saga_call* call() const noexcept { return std::get_if<saga_call>(&fn_); }

 private:
  std::variant<std::monostate, saga_body, saga_script, saga_call> fn_;
};

/// Per-step settings. Unset fields take the runtime's defaults.
struct step_options {
  /// Timeout, retry policy, isolation of the step's transactions (action and compensation).
  /// read_only and idempotency_key are the runtime's business (a step writes its log row).
  std::optional<tx_options> tx;
  /// Runs the step on another runtime (another database): its supervisor. Null: this
  /// runtime's database, where the step's log row is written in the step's own transaction.
  /// Runtimes in one process that send each other work must share one caf::actor_system
  /// (runtime(sys, cfg, ...)): CAF 0.17 does not support replies across actor systems that
  /// are torn down one after the other.
  supervisor_actor on;
  /// Runs the step on the peer node of this name (actortx.peers), through its supervisor and on
  /// its database; its action and compensation must be scripts or procedure calls (code cannot
  /// travel). Empty: this node (or `on`). A node that goes away mid-step makes the step fail;
  /// whether it ran is then asked of that node's database (by the step's key) once it answers.
  std::string node{};  // {}: brace-initialisations that leave it out stay warning-free
};

struct saga_step_def {
  std::string name;
  saga_action action;
  saga_action compensation;  ///< empty: nothing to undo
  step_options options;
};

class saga_definition {
 public:
  explicit saga_definition(std::string name, uint32_t version = 1)
      : name_(std::move(name)), version_(version) {}

  /// Appends a step. std::invalid_argument for an empty or repeated name, an empty action, or
  /// read-only / idempotency-key options (the step writes its log row under its own key).
  saga_definition& step(std::string name, saga_action action, saga_action compensation = {},
                        step_options options = {});
  /// After a crash, finish the saga forward (re-running the step that was in flight, which
  /// is deduplicated if it had committed) instead of compensating what ran. Only for sagas
  /// whose steps cannot fail for business reasons once started.
  saga_definition& recover_forward(bool yes = true) {
    forward_ = yes;
    return *this;
  }
  /// Backoff of a failing compensation; after max_retries more runs the saga is FAILED.
  /// Default: exponential from 100 ms to 5 s, 10 retries.
  saga_definition& compensation_retry(retry_policy p);

  const std::string& name() const noexcept { return name_; }
  /// The version of the type this definition is (1 unless defined otherwise).
  uint32_t version() const noexcept { return version_; }
  const std::vector<saga_step_def>& steps() const noexcept { return steps_; }
  bool forward_recovery() const noexcept { return forward_; }
  const retry_policy& compensation_policy() const noexcept { return comp_retry_; }

 private:
  std::string name_;
  uint32_t version_ = 1;
  std::vector<saga_step_def> steps_;
  bool forward_ = false;
  retry_policy comp_retry_ = default_compensation_retry();

 public:
  static retry_policy default_compensation_retry();
};

/// A saga type and version, as the log and the recovery claims name it.
struct saga_type_version {
  std::string type;
  uint32_t version = 1;
};

/// The saga types a node knows. Fill it before handing it to the runtime; the runtime keeps an
/// immutable copy (shared by its actors).
///
/// Versions: a saga runs to its end on the version of its type it started with, also when
/// another node recovers it. To change a type's steps while sagas of it are in flight, define
/// the new steps as a new version and keep the old one until no saga of it is left (the
/// operator's listing shows them: runtime::list_sagas with the type). New sagas start on the
/// newest version unless their request names one.
class saga_registry {
 public:
  /// A new type, or a new version of one (versions start at 1). std::invalid_argument if the
  /// name is empty, the version 0, or the pair taken.
  saga_definition& define(const std::string& name, uint32_t version = 1);
  /// The newest version of the type, or null.
  std::shared_ptr<const saga_definition> find(const std::string& name) const;
  /// That version of the type (0: the newest), or null.
  std::shared_ptr<const saga_definition> find(const std::string& name, uint32_t version) const;
  /// The type names, each once.
  std::vector<std::string> names() const;
  /// Every type and version this node can run and recover.
  std::vector<saga_type_version> types() const;
  /// The versions of `name` this node has, ascending (empty: none).
  std::vector<uint32_t> versions(const std::string& name) const;
  bool empty() const noexcept { return defs_.empty(); }

 private:
  std::map<std::string, std::map<uint32_t, std::shared_ptr<saga_definition>>> defs_;
};

}  // namespace actortx
