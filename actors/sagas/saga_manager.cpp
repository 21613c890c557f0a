#include "actors/sagas/saga_manager.hpp"

#include <deque>
#include <random>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/trace_context.hpp>

#include "runtime/observability/metrics_records.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/sagas/versions_text.hpp"

namespace actortx {

void saga_census::add_to(active_summary& s) const {
  if (s.sagas_by_state.size() < states) s.sagas_by_state.resize(states, 0);
  for (size_t i = 0; i < states; ++i)
    s.sagas_by_state[i] += by_state_[i].load(std::memory_order_relaxed);
}

namespace {

/// A dead saga actor is restarted (in compensation mode) this often; then the saga is left to
/// recovery rather than crash-looping here.
constexpr uint32_t max_restarts = 3;

/// A saga this node drives now, or has accepted and will drive once a slot is free (queued:
/// no actor yet, a few hundred bytes).
struct saga_entry {
  std::string type;
  std::shared_ptr<const saga_context> initial;  // for a restart before anything was logged
  saga_actor actor;                             // null while queued
  /// The requester, if any (a recovered saga has none). Valid until delivered.
  caf::typed_response_promise<saga_outcome> rp;
  int64_t deadline_ns = 0;  // a fresh saga's deadline (steady clock), 0: none
  uint32_t version = 0;     // a fresh saga's version (0: newest); the actor reports the real one
  uint32_t step = 0;
  uint32_t restarts = 0;  // of its actor after it died
  saga_state state = saga_state::started;
  saga_start mode = saga_start::fresh;
  bool has_requester = false;
  /// A fresh saga's traceparent; a claimed one's comes from the log (its actor reads it).
  std::string correlation_id;
};

saga_outcome refused(const std::string& id, const std::string& type, errc code, std::string why) {
  saga_outcome out;
  out.id = id;
  out.type = type;
  out.state = saga_state::failed;
  out.code = code;
  out.message = std::move(why);
  return out;
}

class saga_manager_state;
using mgr_ptr = saga_manager_actor::stateful_pointer<saga_manager_state>;

class saga_manager_state {
 public:
  explicit saga_manager_state(mgr_ptr self) : self_(self) {}

  void init(supervisor_impl_actor home, saga_manager_settings cfg);
  caf::result<saga_outcome> accept(saga_request& req);
  void adopt(const std::string& id);
  void on_progress(const saga_info& info);
  /// An operator cancelled saga `id`: if this node drives it, its actor hears it now.
  void cancel(const std::string& id, std::string& why);
  void on_done(saga_outcome& out);
  void on_down(const caf::down_msg& dm);
  std::vector<saga_info> list() const;
  void drain();

  static inline const char* name = "actortx.saga_manager";

 private:
  /// Empty if `req` names a saga that may start here (valid id, known type, not running);
  /// otherwise why not.
  std::string check(const saga_request& req) const;
  saga_entry& add(const std::string& id, saga_entry e);
  void erase(std::unordered_map<std::string, saga_entry>::iterator i);
  void spawn_for(const std::string& id, saga_entry& e, saga_start mode);
  /// Starts `e` now if fewer than max_running sagas run, else queues it.
  void start_or_queue(const std::string& id, saga_entry& e);
  /// A running saga ended (or left): starts the next queued ones.
  void start_queued();
  void on_saga_down(const std::string& id, const caf::error& reason);
  /// Answers every requester, stops the saga actors (the log keeps the sagas).
  void stop_all(const caf::error& reason);

  mgr_ptr self_;
  supervisor_impl_actor home_;
  saga_manager_settings cfg_;
  std::unordered_map<std::string, saga_entry> sagas_;          // by saga id
  std::unordered_map<caf::actor_addr, std::string> children_;  // saga actor -> saga id
  std::deque<std::string> queue_;  // ids of accepted sagas waiting for a slot, in order
  size_t running_ = 0;             // entries with an actor
  std::mt19937_64 rng_{std::random_device{}()};
  bool draining_ = false;
};

void saga_manager_state::init(supervisor_impl_actor home, saga_manager_settings cfg) {
  home_ = std::move(home);
  cfg_ = std::move(cfg);
  self_->monitor(home_);  // the sagas stop with their supervisor
}

std::string saga_manager_state::check(const saga_request& req) const {
  auto bad = check_saga_id(req.id);
  if (!bad.empty()) return bad;
  if (!cfg_.sagas->find(req.type))
    return "unknown saga type '" + req.type +
           "' (this node knows: " + join_names(cfg_.sagas->names()) + ")";
  if (!cfg_.sagas->find(req.type, req.version)) {
    return "saga type '" + req.type + "' has no version " + std::to_string(req.version) +
           " on this node (it has: " + versions_text(cfg_.sagas.get(), req.type) + ")";
  }
  if (req.options.timeout.count() < 0 || req.options.timeout > max_saga_timeout)
    return "saga_options.timeout must be between 0 (none) and " +
           std::to_string(
               std::chrono::duration_cast<std::chrono::hours>(max_saga_timeout).count()) +
           "h, not " + std::to_string(req.options.timeout.count()) + "ms";
  if (!req.options.correlation_id.empty()) {
    // Not quoted back: the problem names what is wrong without echoing the caller's text.
    auto bad = traceparent_problem(req.options.correlation_id);
    if (!bad.empty())
      return "saga_options::correlation_id must be empty or a W3C traceparent "
             "\"00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>\": " +
             bad;
  }
  if (sagas_.count(req.id) > 0) return "saga " + req.id + " is running already";
  return {};
}

caf::result<saga_outcome> saga_manager_state::accept(saga_request& req) {
  if (draining_)
    return refused(req.id, req.type, errc::shutting_down,
                   "the runtime is shutting down: no new sagas");
  if (!cfg_.sagas || !cfg_.saga)
    return refused(req.id, req.type, errc::invalid_argument,
                   "this runtime was started without sagas");
  if (req.id.empty()) req.id = make_saga_id(rng_);
  auto bad = check(req);
  if (!bad.empty()) return refused(req.id, req.type, errc::invalid_argument, std::move(bad));
  auto rp = self_->make_response_promise<saga_outcome>();
  saga_entry e;
  e.type = req.type;
  // The steps often need the id: it goes into the context here, so that this copy (kept for a
  // restart of the actor) has it too; the actor shares it instead of copying it.
  req.context.set(saga_id_key, req.id);
  e.initial = std::make_shared<const saga_context>(std::move(req.context));
  e.rp = rp;
  e.has_requester = true;
  e.version = req.version;
  e.correlation_id = req.options.correlation_id.empty() ? new_traceparent()
                                                        : std::move(req.options.correlation_id);
  if (req.options.timeout.count() > 0)
    e.deadline_ns =
        steady_now_ns() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(req.options.timeout).count();
  start_or_queue(req.id, add(req.id, std::move(e)));
  return rp;
}

void saga_manager_state::adopt(const std::string& id) {
  // Driven here already; or shutting down, when the log keeps it for the next claim.
  if (draining_ || sagas_.count(id) > 0) return;
  saga_entry e;
  e.type = "?";  // until the actor has read it from the log
  e.mode = saga_start::recover;
  start_or_queue(id, add(id, std::move(e)));
}

void saga_manager_state::start_or_queue(const std::string& id, saga_entry& e) {
  if (running_ < cfg_.max_running) {
    spawn_for(id, e, e.mode);
    log(log_component::saga)
        .debug("saga {} [{}] started{}{}", id, e.type, e.correlation_id.empty() ? "" : " trace ",
               trace_id_of(e.correlation_id));
  } else {
    queue_.push_back(id);
  }
}

void saga_manager_state::start_queued() {
  while (running_ < cfg_.max_running && !queue_.empty()) {
    auto id = std::move(queue_.front());
    queue_.pop_front();
    auto i = sagas_.find(id);
    if (i != sagas_.end() && !i->second.actor) spawn_for(id, i->second, i->second.mode);
  }
}

void saga_manager_state::on_progress(const saga_info& info) {
  auto i = sagas_.find(info.id);
  if (i == sagas_.end()) return;
  if (cfg_.census) cfg_.census->move(i->second.state, info.state);
  i->second.type = info.type;
  i->second.state = info.state;
  if (info.version != 0) i->second.version = info.version;
  i->second.step = info.step;
}

void saga_manager_state::cancel(const std::string& id, std::string& why) {
  auto i = sagas_.find(id);
  if (i == sagas_.end()) return;
  // A queued saga that never ran: nothing to compensate and nothing logged yet; it starts
  // with the cancel pending and ends COMPENSATED at once (its actor hears it first).
  if (!i->second.actor) spawn_for(id, i->second, i->second.mode);
  self_->send(i->second.actor, cancel_atom::value, std::move(why));
}

void saga_manager_state::on_done(saga_outcome& out) {
  auto i = sagas_.find(out.id);
  if (i == sagas_.end()) return;
  children_.erase(i->second.actor.address());
  if (cfg_.metrics) self_->send(cfg_.metrics, make_saga_record(out, unix_now_us()));
  if (i->second.has_requester) {
    i->second.rp.deliver(out);
  } else {
    log(log_component::saga)
        .info("recovered saga {} [{}] ended {}{}{}", out.id, out.type, to_string(out.state),
              out.message.empty() ? "" : ": ", out.message);
  }
  erase(i);
}

void saga_manager_state::on_down(const caf::down_msg& dm) {
  if (dm.source == home_.address()) {
    stop_all(dm.reason);
    self_->quit(dm.reason);
    return;
  }
  auto c = children_.find(dm.source);
  if (c == children_.end()) return;
  auto id = std::move(c->second);
  children_.erase(c);
  on_saga_down(id, dm.reason);
}

void saga_manager_state::on_saga_down(const std::string& id, const caf::error& reason) {
  auto i = sagas_.find(id);
  if (i == sagas_.end()) return;  // reported before it went
  auto& e = i->second;
  auto why = self_->system().render(reason);
  if (e.restarts < max_restarts) {
    ++e.restarts;
    log(log_component::saga)
        .warn("saga {} [{}]: its actor died ({}); compensating from the log", id, e.type, why);
    spawn_for(id, e, saga_start::compensate);
    return;
  }
  log(log_component::saga)
      .error("saga {} [{}]: its actor died {} times ({}); left to recovery", id, e.type,
             e.restarts + 1, why);
  if (e.has_requester)
    e.rp.deliver(refused(
        id, e.type, errc::attempt_crashed,
        "the saga's actor kept dying (" + why + "); the saga stays in the log for recovery"));
  erase(i);
}

std::vector<saga_info> saga_manager_state::list() const {
  std::vector<saga_info> out;
  for (const auto& [id, e] : sagas_) {
    saga_info i;
    i.id = id;
    i.type = e.type;
    i.state = e.state;
    i.step = e.step;
    if (cfg_.saga) i.owner = cfg_.saga->node_id;
    i.actor = e.actor.address();
    i.version = e.version;
    i.queued = !e.actor;
    out.push_back(std::move(i));
  }
  return out;
}

void saga_manager_state::drain() {
  if (!draining_) stop_all(caf::exit_reason::user_shutdown);
  draining_ = true;
}

saga_entry& saga_manager_state::add(const std::string& id, saga_entry e) {
  if (cfg_.census) cfg_.census->enter(e.state);
  return sagas_.emplace(id, std::move(e)).first->second;
}

void saga_manager_state::erase(std::unordered_map<std::string, saga_entry>::iterator i) {
  if (cfg_.census) cfg_.census->leave(i->second.state);
  const bool ran = static_cast<bool>(i->second.actor);
  sagas_.erase(i);
  if (ran) {
    --running_;
    start_queued();
  }
}

void saga_manager_state::spawn_for(const std::string& id, saga_entry& e, saga_start mode) {
  saga_args args;
  args.id = id;
  args.type = e.type;
  args.context = e.initial;
  args.registry = cfg_.sagas;
  args.mode = mode;
  args.settings = cfg_.saga;
  args.version = e.version;
  args.deadline_ns = e.deadline_ns;
  args.correlation_id = e.correlation_id;
  if (!e.actor) ++running_;
  e.actor = spawn_saga(self_, caf::actor_cast<saga_manager_actor>(self_),
                       caf::actor_cast<supervisor_actor>(home_), std::move(args));
  children_[e.actor.address()] = id;
}

void saga_manager_state::stop_all(const caf::error& reason) {
  for (auto& [id, e] : sagas_) {
    if (e.has_requester)
      e.rp.deliver(refused(id, e.type, errc::shutting_down,
                           "the runtime is shutting down; the saga is in the log and will be "
                           "resumed by recovery"));
    if (e.actor) self_->send_exit(e.actor, reason);
    if (cfg_.census) cfg_.census->leave(e.state);
  }
  sagas_.clear();
  children_.clear();
  queue_.clear();
  running_ = 0;
}

saga_manager_actor::behavior_type saga_manager_fn(mgr_ptr self, supervisor_impl_actor home,
                                                  saga_manager_settings cfg) {
  self->state.init(std::move(home), std::move(cfg));
  self->set_down_handler([self](caf::down_msg& dm) { self->state.on_down(dm); });
  return {
      [self](saga_atom, saga_request& req) { return self->state.accept(req); },
      [self](sagas_atom) { return self->state.list(); },
      [self](saga_done_atom, saga_outcome& out) { self->state.on_done(out); },
      [self](saga_step_atom, saga_info& info) { self->state.on_progress(info); },
      [self](recover_atom, std::string& id) { self->state.adopt(id); },
      [self](cancel_atom, std::string& id, std::string& why) { self->state.cancel(id, why); },
      [self](drain_atom) { self->state.drain(); },
  };
}

}  // namespace

saga_manager_actor spawn_saga_manager(caf::actor_system& sys, supervisor_impl_actor home,
                                      saga_manager_settings settings) {
  auto mgr = sys.spawn(saga_manager_fn, home, std::move(settings));
  // Sent before anyone else can know the manager: no saga request reaches the supervisor
  // before it knows where to forward it.
  caf::anon_send(home, saga_host_atom::value, mgr);
  return mgr;
}

}  // namespace actortx
