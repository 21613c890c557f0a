// What /healthz and /readyz answer: liveness (the runtime's actors answer) and readiness (the
// database answers through the pool, saga recovery caught up after start).
#include <chrono>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"

namespace actortx {

namespace {

/// Liveness must not depend on the database: an actor that answers is alive, even when every
/// transaction fails. A second is far above a message's round trip, even on a busy scheduler.
constexpr auto liveness_timeout = std::chrono::seconds(1);
/// The readiness probe's deadline: a connect to a server that does not answer would take the
/// connect timeout (5 s), and an orchestrator's probe usually times out after 1 to 10 s.
constexpr auto readiness_probe_deadline = std::chrono::milliseconds(2000);

/// Waits for the answer to `request` (sent before: all are in flight at once) and appends
/// "<who> does not answer ..." to `silent` when none came.
template <class Answer, class Handle>
void await(caf::actor_system& sys, Handle& request, const char* who,
           std::vector<std::string>& silent) {
  request.receive([](Answer&) {},
                  [&](caf::error& err) {
                    silent.push_back(std::string{who} + " does not answer within 1 s (" +
                                     sys.render(err) + ")");
                  });
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

/// SELECT 1 through the runtime (its blocking lane takes an idle connection at once): "" when
/// it committed, else why not. An idle connection in the pool proves nothing by itself: after
/// the server went away, the pool still counts it open until it is used.
std::string database_problem(runtime& rt) {
  tx_options opts;
  opts.label = "actortx.readiness";  // internal: never in the application's figures or alerts
  opts.timeout = readiness_probe_deadline;
  opts.read_only = true;
  opts.retry.max_retries = 0;
  tx_script script;
  script.add("SELECT 1");
  auto out = rt.transact(opts, script);
  if (out.committed()) return {};
  std::string why = "the database does not answer through the pool: SELECT 1 ended " +
                    std::string{to_string(out.state)};
  return out.message.empty() ? why : why + ": " + out.message;
}

}  // namespace

http_reply runtime::impl::liveness() {
  if (sys == nullptr || !sup || !pool) return {503, "not alive: the runtime is stopped"};
  blocking_self self{*sys};
  std::vector<std::string> silent;
  // Asked all at once, so that the answer takes a second at most, not one per actor.
  auto pool_answer = self->request(pool, liveness_timeout, stats_atom::value);
  // The supervisor delegates this to the saga manager: one question, both answer.
  auto sup_answer = self->request(sup, liveness_timeout, sagas_atom::value);
  await<pool_stats>(*sys, pool_answer, "the pool", silent);
  await<std::vector<saga_info>>(*sys, sup_answer, "the supervisor or the saga manager", silent);
  if (metrics) {
    auto metrics_answer = self->request(metrics, liveness_timeout, find_atom::value, uint64_t{0});
    await<std::vector<tx_record>>(*sys, metrics_answer, "the metrics actor", silent);
  }
  if (silent.empty()) return {200, "ok"};
  return {503, "not alive: " + joined(silent)};
}

readiness runtime::ready() {
  readiness r;
  try {
    r.sagas_recovered = !impl_->recovery || impl_->sagas_caught_up->load();
    auto database = database_problem(*this);
    r.pool_connected = database.empty();
    std::vector<std::string> why;
    if (!r.pool_connected) why.push_back(std::move(database));
    if (!r.sagas_recovered)
      why.emplace_back("saga recovery has not finished its first round since start");
    r.ready = why.empty();
    r.reason = joined(why);
  } catch (const std::exception& e) {
    r.ready = false;
    r.reason = std::string{"readiness could not be checked: "} + e.what();
  } catch (...) {
    r.ready = false;
    r.reason = "readiness could not be checked";
  }
  return r;
}

uint16_t runtime::metrics_port() const noexcept {
  return impl_->metrics_http ? impl_->metrics_http->port() : 0;
}

}  // namespace actortx
