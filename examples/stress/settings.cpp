#include "settings.hpp"

using namespace std::chrono_literals;

namespace stress {

actortx::tx_options transfer_options(const options& o) {
  actortx::tx_options t;
  t.level = o.level;
  t.timeout = o.timeout;
  t.label = "transfer";
  t.retry.strategy = actortx::backoff::exponential;
  t.retry.initial_delay = 5ms;
  t.retry.max_delay = 200ms;
  t.retry.jitter = 0.5;  // spread the retries of the two deadlock victims' peers
  t.retry.max_retries = 10;
  return t;
}

actortx::runtime_config runtime_settings(const options& o, const std::string& dsn) {
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = static_cast<size_t>(o.pool);  // all connections up before the clock starts
  cfg.pool.max = static_cast<size_t>(o.pool);
  cfg.pool.acquire_timeout = o.timeout;
  cfg.transactions.defaults = transfer_options(o);
  cfg.log_level = o.log_level;
  cfg.observability.trend_bucket = std::chrono::seconds{o.trend_bucket_s};
  cfg.observability.ring = record_ring;
  if (o.dashboard) {
    cfg.dashboard.enabled = true;
    cfg.dashboard.port = *o.dashboard;
  }
  return cfg;
}

}  // namespace stress
