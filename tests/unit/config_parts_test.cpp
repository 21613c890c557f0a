// Each part of runtime_config validates itself, naming the config key; validate() composes them.
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

using namespace actortx;
using namespace std::chrono_literals;

namespace {

template <class Part>
std::string problem(const Part& part) {
  try {
    part.validate();
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("every part of the default runtime_config is valid on its own", "[unit]") {
  runtime_config cfg;
  CHECK(problem(cfg.pool).empty());
  CHECK(problem(cfg.transactions).empty());
  CHECK(problem(cfg.statements).empty());
  CHECK(problem(cfg.sagas).empty());
  CHECK(problem(cfg.observability).empty());
  CHECK(problem(cfg.dashboard).empty());
  CHECK(problem(cfg.metrics_endpoint).empty());
  CHECK(problem(cfg.node).empty());
}

TEST_CASE("the HTTP parts name their keys", "[unit]") {
  dashboard_config dashboard;
  dashboard.enabled = true;
  dashboard.bind = "::";
  CHECK_THAT(problem(dashboard),
             Catch::StartsWith("actortx.dashboard-token: (not set) is invalid"));
  dashboard.token = "0123456789abcdef";  // exactly 16: enough
  CHECK(problem(dashboard).empty());
  metrics_endpoint_config endpoint;
  endpoint.enabled = true;
  endpoint.bind = "";
  CHECK_THAT(problem(endpoint), Catch::StartsWith("actortx.metrics-bind:  is invalid"));
}

TEST_CASE("the pool part names its keys", "[unit]") {
  pool_config pool;
  pool.max = 0;
  CHECK(problem(pool) == "actortx.pool-max: 0 is invalid: the pool needs at least one connection");
  pool = {};
  pool.min = 3;
  pool.max = 2;
  CHECK_THAT(problem(pool), Catch::StartsWith("actortx.pool-min: 3 is invalid: it is above"));
  pool = {};
  pool.acquire_timeout = 0ms;
  CHECK_THAT(problem(pool), Catch::StartsWith("actortx.acquire-timeout: 0ms is invalid"));
}

TEST_CASE("the transactions part checks defaults, retry policy and graces", "[unit]") {
  transaction_config tx;
  tx.defaults.timeout = 0ms;
  CHECK_THAT(problem(tx), Catch::StartsWith("actortx.tx-timeout: 0ms is invalid"));
  tx = {};
  tx.defaults.retry.jitter = 1.5;
  CHECK_THAT(problem(tx), Catch::StartsWith("actortx.retry-jitter: 1.5 is invalid"));
  tx = {};
  tx.commit_grace = 2s;
  CHECK_THAT(problem(tx), Catch::StartsWith("actortx.commit-grace: 2000ms is invalid"));
}

TEST_CASE("the statements part checks the cache only while statements are prepared", "[unit]") {
  statement_config st;
  st.cache_size = 0;
  CHECK_THAT(problem(st), Catch::StartsWith("actortx.prepared-statement-cache: 0 is invalid"));
  st.prepared = false;
  CHECK(problem(st).empty());
  CHECK(st.per_connection() == 0);
  st.prepared = true;
  st.cache_size = 32;
  CHECK(st.per_connection() == 32);
}

TEST_CASE("the sagas part checks lease, recovery interval and node id", "[unit]") {
  saga_recovery_config sagas;
  sagas.lease = 100ms;
  CHECK_THAT(problem(sagas), Catch::StartsWith("actortx.saga-lease: 100ms is invalid"));
  sagas = {};
  sagas.recovery_interval = 0ms;
  CHECK_THAT(problem(sagas), Catch::StartsWith("actortx.saga-recovery-interval: 0ms"));
  sagas = {};
  sagas.node_id = "node a";
  CHECK_THAT(problem(sagas), Catch::StartsWith("actortx.node-id: node a is invalid"));
}

TEST_CASE("the observability and dashboard parts check their own keys", "[unit]") {
  observability_config obs;
  obs.trend_bucket = 0s;
  CHECK_THAT(problem(obs), Catch::StartsWith("actortx.metrics-trend-bucket: 0s is invalid"));
  obs = {};
  obs.alerts.history = 0;
  CHECK_THAT(problem(obs), Catch::StartsWith("actortx.alert-history: 0 is invalid"));
  dashboard_config dash;
  dash.enabled = true;
  dash.bind = "";
  CHECK_THAT(problem(dash), Catch::StartsWith("actortx.dashboard-bind:  is invalid"));
}

TEST_CASE("validate(runtime_config) checks what spans parts, and every part", "[unit]") {
  runtime_config cfg;
  cfg.dashboard.enabled = true;
  cfg.observability.enabled = false;
  CHECK_THROWS_WITH(validate(cfg), Catch::StartsWith("actortx.dashboard: true is invalid: the "
                                                     "dashboard shows metrics"));
  cfg = {};
  cfg.node.listen = "127.0.0.1:0";  // networked without TLS or plain TCP
  CHECK_THROWS_WITH(validate(cfg), Catch::Contains("actortx.tls-cert"));
  cfg = {};
  cfg.sagas.lease = 1ms;
  CHECK_THROWS_WITH(validate(cfg), Catch::StartsWith("actortx.saga-lease"));
}
