#include "actortx_tpcb.hpp"

#include <memory>
#include <stdexcept>

#include "runtime/runtime.hpp"
#include "tpcb_txn.hpp"

namespace bench {

phase_result run_actortx(const std::string& dsn, int scale, const phase_settings& s, uint64_t seed,
                         const std::string& log_level, bool metrics) {
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  // pool_min = pool_max: every connection is open before the clock starts, like the baseline.
  cfg.pool_min = static_cast<size_t>(s.clients);
  cfg.pool_max = static_cast<size_t>(s.clients);
  cfg.log_level = log_level;
  cfg.metrics_enabled = metrics;
  cfg.defaults.label = "tpcb";
  cfg.defaults.timeout = std::chrono::seconds(10);
  actortx::runtime rt{cfg};
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

}  // namespace bench
