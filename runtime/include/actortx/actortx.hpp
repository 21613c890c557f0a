// Everything a program using actortx needs: the runtime, its configuration, transactions and
// their outcomes, sagas, procedures, the supervisor's typed interface for actors, metrics.
// The throwaway PostgreSQL and the fault proxy are in <actortx/tooling/...> (actortx::tooling).
#pragma once

#include <actortx/active_tx.hpp>
#include <actortx/alert.hpp>
#include <actortx/alert_rules.hpp>
#include <actortx/dsn.hpp>
#include <actortx/errc.hpp>
#include <actortx/exact_number.hpp>
#include <actortx/failure_cause.hpp>
#include <actortx/local_body.hpp>
#include <actortx/log.hpp>
#include <actortx/metrics.hpp>
#include <actortx/metrics_report.hpp>
#include <actortx/node_config.hpp>
#include <actortx/notification.hpp>
#include <actortx/outcome_text.hpp>
#include <actortx/procedure_call.hpp>
#include <actortx/procedure_registry.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/retention.hpp>
#include <actortx/retryable_error.hpp>
#include <actortx/rows.hpp>
#include <actortx/runtime.hpp>
#include <actortx/runtime_config.hpp>
#include <actortx/saga_context.hpp>
#include <actortx/saga_operations.hpp>
#include <actortx/saga_outcome.hpp>
#include <actortx/saga_registry.hpp>
#include <actortx/statement.hpp>
#include <actortx/supervisor.hpp>
#include <actortx/trace_context.hpp>
#include <actortx/tx.hpp>
#include <actortx/tx_hooks.hpp>
#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>
#include <actortx/tx_result.hpp>
#include <actortx/tx_ticket.hpp>
