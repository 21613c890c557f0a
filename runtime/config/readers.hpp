// Reading each part of runtime_config from CAF's settings: keys that are set overwrite the
// defaults; a value of the wrong type is a config_error naming the key (internal to
// runtime/config, composed by read_config()).
#pragma once

#include <caf/settings.hpp>

#include <actortx/runtime_config.hpp>

namespace actortx::config_detail {

void read_pool(const caf::settings& content, pool_config& out);
void read_transactions(const caf::settings& content, transaction_config& out);
void read_statements(const caf::settings& content, statement_config& out);
void read_sagas(const caf::settings& content, saga_recovery_config& out);
void read_retention(const caf::settings& content, retention_config& out);
void read_observability(const caf::settings& content, observability_config& out);
void read_dashboard(const caf::settings& content, dashboard_config& out);
void read_metrics_endpoint(const caf::settings& content, metrics_endpoint_config& out);
void read_node(const caf::settings& content, node_config& out);

}  // namespace actortx::config_detail
