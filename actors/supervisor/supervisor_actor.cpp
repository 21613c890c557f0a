#include "actors/supervisor/supervisor_actor.hpp"

#include <caf/all.hpp>

#include "actors/lane/blocking_lane.hpp"
#include "actors/lane/lane_registry.hpp"
#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

void supervisor_state::init(pool_actor pool, supervisor_settings cfg) {
  pool_ = std::move(pool);
  cfg_ = std::move(cfg);
  ids_ = cfg_.ids ? cfg_.ids : std::make_shared<std::atomic<uint64_t>>(0);
  schedule_tick();  // always: the lane's transactions are counted without messages
}

uint64_t supervisor_state::drain() {
  if (!draining_ && saga_host_) self_->send(saga_host_, drain_atom::value);
  draining_ = true;  // the log keeps the sagas for recovery
  const auto& lane = cfg_.lane;
  if (lane) lane->drain();
  return txs_.size() + (lane ? lane->size() : 0);
}

void supervisor_state::on_exit(const caf::exit_msg& em) {
  // The saga manager watches us and stops its sagas when we are gone.
  stop_transactions();
  if (cfg_.lane) stop_lane(*cfg_.lane, cfg_.cancel.get());
  self_->quit(em.reason);
}

void supervisor_state::set_saga_host(saga_manager_actor host) {
  saga_host_ = std::move(host);
}

caf::result<saga_outcome> supervisor_state::saga(saga_request& req) {
  if (saga_host_) return self_->delegate(saga_host_, saga_atom::value, std::move(req));
  saga_outcome out;
  out.id = req.id;
  out.type = req.type;
  out.state = saga_state::failed;
  out.code = errc::invalid_argument;
  out.message = "this runtime was started without sagas";
  return out;
}

caf::result<std::vector<saga_info>> supervisor_state::sagas() {
  if (saga_host_) return self_->delegate(saga_host_, sagas_atom::value);
  return std::vector<saga_info>{};
}

template <class Query, class Answer>
caf::result<Answer> supervisor_state::operate(Query& q) {
  if (saga_ops_) return self_->delegate(saga_ops_, saga_atom::value, std::move(q));
  return make_error(errc::invalid_argument, "this runtime has no saga log to operate on");
}

caf::result<caf::message> supervisor_state::on_unexpected(caf::message_view& x) {
  return unexpected_.reject(self_, x, "the actortx supervisor");
}

namespace {

supervisor_impl_actor::behavior_type supervisor_fn(sup_ptr self, pool_actor pool,
                                                   supervisor_settings settings) {
  auto& st = self->state;
  st.init(std::move(pool), std::move(settings));
  self->set_down_handler([self](caf::down_msg& dm) { self->state.on_down(dm); });
  self->set_exit_handler([self](caf::exit_msg& em) { self->state.on_exit(em); });
  self->set_default_handler(
      [self](caf::scheduled_actor*, caf::message_view& x) { return self->state.on_unexpected(x); });
  return {
      [=](run_atom, tx_options& o, tx_script& w) { return self->state.run(o, w); },
      [=](run_atom, tx_options& o, procedure_call& w) { return self->state.run(o, w); },
      [=](run_atom, tx_options& o, local_body& w) { return self->state.run(o, w); },
      [=](run_atom, tx_options& o, tx_script& w, lane_handover& h) {
        return self->state.take_over(o, w, h);
      },
      [=](run_atom, tx_options& o, local_body& w, lane_handover& h) {
        return self->state.take_over(o, w, h);
      },
      [=](leased_atom, uint64_t id, uint32_t attempt, int32_t pid) {
        self->state.on_leased(id, attempt, pid);
      },
      [=](attempt_atom, uint64_t id, attempt_result& r) { self->state.on_attempt(id, r); },
      [=](deadline_atom, uint64_t id) { self->state.on_deadline(id); },
      [=](cancel_tx_atom, std::string& correlation_id) { self->state.on_cancel(correlation_id); },
      [=](grace_atom, uint64_t id, uint32_t attempt) { self->state.on_commit_grace(id, attempt); },
      [=](drain_atom) { return self->state.drain(); },
      [=](retry_atom, uint64_t id) { self->state.on_retry(id); },
      [=](tick_atom) { self->state.on_tick(); },
      [=](active_atom) { return self->state.active(); },
      [=](saga_atom, saga_request& req) { return self->state.saga(req); },
      [=](sagas_atom) { return self->state.sagas(); },
      [=](saga_host_atom, saga_manager_actor& host) { self->state.set_saga_host(std::move(host)); },
      [=](saga_atom, saga_filter& q) {
        return self->state.operate<saga_filter, std::vector<saga_info>>(q);
      },
      [=](saga_atom, saga_lookup& q) { return self->state.operate<saga_lookup, saga_detail>(q); },
      [=](saga_atom, saga_command& q) {
        return self->state.operate<saga_command, saga_command_result>(q);
      },
      [=](saga_ops_atom, saga_operator_actor& ops) {
        self->state.set_saga_operator(std::move(ops));
      },
  };
}

}  // namespace

supervisor_impl_actor spawn_supervisor(caf::actor_system& sys, pool_actor pool,
                                       supervisor_settings settings) {
  return sys.spawn(supervisor_fn, std::move(pool), std::move(settings));
}

}  // namespace actortx
