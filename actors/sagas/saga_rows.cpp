// What a saga actor knows of its steps, the log rows it writes, and what it reports to the saga
// manager.
#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/trace_context.hpp>

#include "actors/sagas/saga_actor_state.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx::saga_impl {

void step_run::operator()(tx& t) {
  const auto& sd = ident->def->steps()[step];
  auto c = *ctx;
  (*sd.action.body())(t, c);
  if (local) {
    if (extra)
      for (auto w : extra->pending) {
        w.context = &c;
        t.exec(saga_write_statement(w));
      }
    // The step's own transaction logs it: its effects and "step is DONE" commit together.
    // The saga row keeps the context the last step left (which recovery and compensation
    // read): rewritten only when this step changed it (pending rows above write it too), or
    // at the end; otherwise only its owner is checked (saga_step_done).
    const bool write_saga = state == saga_state::committed || !(c == *ctx);
    saga_write w;
    w.id = ident->id;
    w.type = ident->type;
    w.state = state;
    w.context = &c;
    w.owner = ident->settings->node_id;
    w.lease = ident->settings->lease;
    w.step = static_cast<int32_t>(step);
    w.step_name = sd.name;
    w.step_status = step_state::done;
    w.attempts = -1;  // the function takes it from the transaction's application_name
    w.version = ident->version;
    w.deadline_ms = deadline_ms_from_now(ident->deadline_ns);
    if (extra) {
      w.error = extra->error;
      w.compensation_attempts = extra->compensation_attempts;
      w.step_error = extra->step_error;
    }
    // With COMMIT, in its round trip: a step on the log's database costs no extra one.
    t.exec_at_commit(step_done_statement(w, write_saga));
  }
  std::lock_guard<std::mutex> guard{mtx};
  result = std::move(c);
}

/// splitmix64 (Steele, Lea, Flood 2014) mapped to [0, 1): 8 bytes of state per saga.
double next_uniform01(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

local_body body_of(std::function<void(tx&)> fn) {
  return local_body{std::make_shared<body_state>(std::move(fn))};
}

const std::string& peer_node(saga_ptr self, size_t step) {
  static const std::string none;
  const auto& n = def(self).steps()[step].options.node;
  return n == settings(self).node_id ? none : n;
}

supervisor_actor target(saga_ptr self, size_t step) {
  const auto& on = def(self).steps()[step].options.on;
  return on ? on : self->state.home;
}

bool is_local(saga_ptr self, size_t step) {
  const auto& sd = def(self).steps()[step];
  return !sd.options.on && peer_node(self, step).empty() && !sd.action.call();
}

tx_options step_options(saga_ptr self, size_t step, bool compensation) {
  const auto& sd = def(self).steps()[step];
  tx_options o = sd.options.tx ? *sd.options.tx : settings(self).step_defaults;
  o.read_only = false;
  o.label = self->state.args.type + "/" + sd.name + (compensation ? "/undo" : "");
  // A step's transaction never outlives the saga's deadline (a compensation is not bounded by
  // it: what ran must be undone). At least 1 ms: the step then times out, never commits.
  const auto left = deadline_ms_from_now(self->state.deadline_ns);
  self->state.step_capped = !compensation && left >= 0 && left < o.timeout.count();
  if (self->state.step_capped) o.timeout = std::chrono::milliseconds{std::max<int64_t>(1, left)};
  // A step on the log's database needs no key: its step row, which its transaction inserts
  // and a fence inserts if it is missing, is its key (one row written instead of two).
  if (compensation || !is_local(self, step))
    o.idempotency_key = step_key(self->state.args.id, step, compensation);
  return o;
}

void set_step_row(saga_ptr self, saga_write& w, size_t step, step_state status,
                  bool written_by_step) {
  const auto& rep = self->state.steps[step];
  w.step = static_cast<int32_t>(step);
  w.step_name = rep.name;
  w.step_status = status;
  // -1: the function takes the attempt number from the transaction's application_name.
  w.attempts = written_by_step ? -1 : static_cast<int32_t>(rep.attempts);
  w.compensation_attempts = rep.compensation_attempts;
  // A compensated step's row keeps no error of the compensation's failed runs before.
  w.step_error = status == step_state::compensated ? std::string{} : rep.message;
}

saga_write make_write(saga_ptr self, saga_state state, const saga_context* ctx,
                      std::optional<size_t> step, step_state status) {
  auto& st = self->state;
  saga_write w;
  w.id = st.args.id;
  w.type = st.args.type;
  w.state = state;
  w.context = ctx;
  w.owner = settings(self).node_id;
  w.lease = settings(self).lease;
  w.error = st.error;
  w.version = st.version;
  w.deadline_ms = deadline_ms_from_now(st.deadline_ns);
  if (step) set_step_row(self, w, *step, status, status == step_state::done);
  return w;
}

std::vector<statement> log_statements(saga_ptr self, const saga_write& main) {
  std::vector<statement> out;
  for (const auto& p : self->state.pending) {
    auto w = main;
    set_step_row(self, w, p.step, p.status, false);
    out.push_back(saga_write_statement(w));
  }
  out.push_back(saga_write_statement(main));
  return out;
}

const std::shared_ptr<const saga_ident>& ident_of(saga_ptr self) {
  auto& st = self->state;
  if (!st.ident)
    st.ident = std::make_shared<const saga_ident>(
        saga_ident{st.args.id, st.args.type, st.version, st.deadline_ns, st.args.settings, st.def});
  return st.ident;
}

void progress(saga_ptr self, saga_state s) {
  auto& st = self->state;
  st.state = s;
  saga_info info;
  info.id = st.args.id;
  info.type = st.args.type;
  info.state = s;
  info.step = static_cast<uint32_t>(st.current);
  info.version = st.def ? st.version : 0;
  self->send(st.host, saga_step_atom::value, std::move(info));
}

void finish(saga_ptr self, saga_state s, errc code) {
  auto& st = self->state;
  saga_outcome out;
  out.id = st.args.id;
  out.type = st.args.type;
  out.state = s;
  out.steps = st.steps;
  out.context = *st.ctx;
  out.code = s == saga_state::committed ? errc::none : code;
  out.message = st.error;
  out.recovered = st.args.mode != saga_start::fresh;
  out.version = st.def ? st.version : 0;
  out.correlation_id = st.args.correlation_id;
  out.duration = std::chrono::microseconds{(steady_now_ns() - st.started_ns) / 1000};
  const auto trace = trace_id_of(out.correlation_id);
  if (s == saga_state::failed)
    log(log_component::saga)
        .error("saga {} [{}] trace {} FAILED and needs an operator: {}", out.id, out.type, trace,
               out.message);
  else if (s == saga_state::compensated)
    log(log_component::saga)
        .warn("saga {} [{}] trace {} COMPENSATED: {}", out.id, out.type, trace, out.message);
  else
    log(log_component::saga)
        .debug("saga {} [{}] trace {} {}", out.id, out.type, trace, to_string(s));
  self->send(st.host, saga_done_atom::value, std::move(out));
  self->quit();
}

}  // namespace actortx::saga_impl
