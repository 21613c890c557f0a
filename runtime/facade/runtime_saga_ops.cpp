// The façade's operator calls on the saga log: look up, list, retry, cancel. Each asks the
// supervisor, which delegates to this node's saga operator (the same path another node takes).
#include <stdexcept>

#include <caf/all.hpp>

#include "messages/error_text.hpp"
#include "messages/reply_timeout.hpp"
#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/saga_admin_sql.hpp"

namespace actortx {

namespace {

/// Where the operator's messages go, and how long to wait for its answer.
struct operator_line {
  caf::actor_system& sys;
  const supervisor_impl_actor& sup;
  /// The operator answers by the log transaction's deadline; a little more for the hops.
  caf::timespan timeout;
};

/// The supervisor's answer of type T to `x`, or query_error with what the error says.
template <class T, class Query>
T ask_operator(const operator_line& line, const char* what, Query x) {
  T out{};
  std::string failure;
  blocking_self self{line.sys};
  self->request(line.sup, line.timeout, saga_atom::value, std::move(x))
      .receive([&](T& answer) { out = std::move(answer); },
               [&](caf::error& err) { failure = reason_of(line.sys, err); });
  if (!failure.empty()) throw query_error(std::string{what} + ": " + failure);
  return out;
}

operator_line line_of(caf::actor_system* sys, const supervisor_impl_actor& sup,
                      const saga_settings& cfg) {
  return {*sys, sup, reply_timeout(cfg.log_options, 2 * reply_grace)};
}

void require_id(const std::string& id) {
  if (auto bad = check_saga_id(id); !bad.empty())
    throw std::invalid_argument("saga id '" + id + "': " + bad);
}

saga_command_result command(const operator_line& line, saga_command c) {
  require_id(c.id);
  const char* what = c.kind == saga_command_kind::retry ? "retry_saga" : "cancel_saga";
  return ask_operator<saga_command_result>(line, what, std::move(c));
}

}  // namespace

saga_detail runtime::saga(const std::string& id) {
  require_id(id);
  return ask_operator<saga_detail>(line_of(impl_->sys, impl_->sup, *impl_->saga_cfg), "saga",
                                   saga_lookup{id});
}

std::vector<saga_info> runtime::list_sagas(const saga_filter& filter) {
  if (auto bad = check_saga_filter(filter); !bad.empty())
    throw std::invalid_argument("saga filter: " + bad);
  return ask_operator<std::vector<saga_info>>(line_of(impl_->sys, impl_->sup, *impl_->saga_cfg),
                                              "list_sagas", filter);
}

saga_command_result runtime::retry_saga(const std::string& id, const std::string& by,
                                        const std::string& reason) {
  return command(line_of(impl_->sys, impl_->sup, *impl_->saga_cfg),
                 saga_command{id, saga_command_kind::retry, by, reason});
}

saga_command_result runtime::cancel_saga(const std::string& id, const std::string& by,
                                         const std::string& reason) {
  return command(line_of(impl_->sys, impl_->sup, *impl_->saga_cfg),
                 saga_command{id, saga_command_kind::cancel, by, reason});
}

}  // namespace actortx
