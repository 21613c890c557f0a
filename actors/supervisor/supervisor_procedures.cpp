// What the supervisor refuses before anything runs, and how a procedure call (by name, from
// this node or another) becomes a body.
#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/procedure_registry.hpp>

#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/policy/failed_outcome.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

tx_outcome supervisor_state::refused(const tx_options& opts, errc code, std::string why) {
  log(log_component::supervisor)
      .warn("refused a request from {} {}: {}", sender_of(self_), name_of(0, opts), why);
  return failed_outcome(opts, code, std::move(why));
}

std::variant<local_body, tx_outcome> supervisor_state::bind_procedure(tx_options& opts,
                                                                      procedure_call& call) {
  const auto& reg = cfg_.procedures;
  const procedure_def* def = reg ? reg->find(call.name) : nullptr;
  if (opts.label.empty()) opts.label = "proc/" + call.name;
  if (!def) {
    const auto known = reg ? reg->names() : std::vector<std::string>{};
    return refused(opts, errc::unknown_procedure,
                   "no procedure '" + call.name +
                       "' is registered on this node (known: " + join_names(known) + ")");
  }
  if (auto bad = check_call(*def, call)) return refused(opts, errc::invalid_argument, *bad);
  // The registry outlives every body: the runtime keeps it until its actors are gone.
  auto args = std::make_shared<const std::vector<proc_value>>(std::move(call.args));
  auto fn = [def, args](tx& t) { def->body(t, proc_args{def->params, *args}); };
  return local_body{std::make_shared<body_state>(std::move(fn))};
}

}  // namespace actortx
