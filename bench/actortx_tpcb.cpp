#include "actortx_tpcb.hpp"

#include <memory>
#include <stdexcept>

#include <actortx/runtime.hpp>

#include "tpcb_txn.hpp"

namespace bench {

namespace {

actortx::runtime_config tpcb_config(const std::string& dsn, int clients,
                                    const std::string& log_level, bool metrics) {
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  // pool_min = pool_max: every connection is open before the clock starts, like the baseline.
  cfg.pool.min = static_cast<size_t>(clients);
  cfg.pool.max = static_cast<size_t>(clients);
  cfg.log_level = log_level;
  cfg.observability.enabled = metrics;
  cfg.transactions.defaults.label = "tpcb";
  cfg.transactions.defaults.timeout = std::chrono::seconds(10);
  return cfg;
}

}  // namespace

phase_result run_actortx(const std::string& dsn, int scale, const phase_settings& s, uint64_t seed,
                         const std::string& log_level, bool metrics) {
  actortx::runtime rt{tpcb_config(dsn, s.clients, log_level, metrics)};
  auto opts = rt.default_options();
  return run_phase(s, [&](int index) -> client_fn {
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    return [&rt, &opts, gen] {
      auto p = gen->next();  // drawn outside the body: a retry repeats the same transaction
      auto out = rt.transact(opts, [&](actortx::tx& t) {
        run_tpcb([&](const std::string& sql, auto... args) { t.exec(sql, args...); }, p);
      });
      if (!out.committed()) throw std::runtime_error(out.message);
      return true;
    };
  });
}

phase_result run_actortx_script(const std::string& dsn, int scale, const phase_settings& s,
                                uint64_t seed, const std::string& log_level) {
  actortx::runtime rt{tpcb_config(dsn, s.clients, log_level, true)};
  auto opts = rt.default_options();
  return run_phase(s, [&](int index) -> client_fn {
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    return [&rt, &opts, gen] {
      // Built per transaction, as an application would: the cost of building it is the
      // client's, and it counts in the side's CPU.
      actortx::tx_script script;
      run_tpcb([&](const std::string& sql, auto... args) { script.add(sql, args...); },
               gen->next());
      auto out = rt.transact(opts, script);
      if (!out.committed()) throw std::runtime_error(out.message);
      return true;
    };
  });
}

}  // namespace bench
