// The façade's saga calls: run one (blocking), list them, recover orphans now.
#include <random>

#include <caf/all.hpp>

#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/facade/saga_wait.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/saga_admin_sql.hpp"

namespace actortx {

saga_outcome runtime::run_saga(const std::string& type, saga_context context,
                               std::chrono::milliseconds timeout) {
  saga_request req;
  req.type = type;
  req.context = std::move(context);
  return run_saga(std::move(req), timeout);
}

saga_outcome runtime::run_saga(saga_request req, std::chrono::milliseconds timeout) {
  // The id is chosen here, so that even a timed-out caller can name the saga.
  if (req.id.empty()) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    req.id = make_saga_id(rng);
  }
  saga_outcome out;
  blocking_self self{*impl_->sys};
  self->request(impl_->sup, timeout, saga_atom::value, req)
      .receive([&](saga_outcome& o) { out = std::move(o); },
               [&](caf::error& err) { out = caller_gave_up(*impl_->sys, err, req); });
  return out;
}

saga_outcome caller_gave_up(caf::actor_system& sys, const caf::error& err,
                            const saga_request& req) {
  saga_outcome out;
  out.id = req.id;
  out.type = req.type;
  out.state = saga_state::started;
  out.caller_gave_up = true;
  out.code = err == caf::sec::request_timeout ? errc::timeout : errc::attempt_crashed;
  out.message = "stopped waiting for the saga's outcome (" + sys.render(err) +
                "); the saga goes on: look it up with runtime::saga(\"" + req.id + "\")";
  return out;
}

std::vector<saga_info> runtime::running_sagas() {
  return query<std::vector<saga_info>>(*impl_->sys, impl_->sup, std::chrono::seconds(5),
                                       "running_sagas", sagas_atom::value);
}

std::vector<saga_info> runtime::sagas_in_state(saga_state state, size_t limit) {
  auto opts = impl_->saga_cfg->log_options;
  opts.read_only = true;
  opts.label = "actortx.saga_list";
  auto out = transact(opts, sagas_in_state_script(state, limit));
  if (!out.committed()) throw query_error("cannot read the saga log: " + out.message);
  return parse_saga_list(out);
}

uint32_t runtime::recover_sagas_now() {
  if (!impl_->recovery) return 0;
  return query<uint32_t>(*impl_->sys, impl_->recovery, std::chrono::seconds(30),
                         "recover_sagas_now", recover_atom::value);
}

const std::string& runtime::node_id() const noexcept {
  return impl_->saga_cfg->node_id;
}

}  // namespace actortx
