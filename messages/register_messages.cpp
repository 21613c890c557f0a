#include <caf/all.hpp>

#include <actortx/notification.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/retention.hpp>

#include "messages/interfaces.hpp"

namespace actortx {

void register_messages(caf::actor_system_config& cfg) {
  cfg.add_message_type<isolation>("actortx::isolation");
  cfg.add_message_type<backoff>("actortx::backoff");
  cfg.add_message_type<retry_policy>("actortx::retry_policy");
  cfg.add_message_type<tx_options>("actortx::tx_options");
  cfg.add_message_type<sql_value>("actortx::sql_value");
  cfg.add_message_type<statement>("actortx::statement");
  cfg.add_message_type<tx_script>("actortx::tx_script");
  cfg.add_message_type<result_set>("actortx::result_set");
  cfg.add_message_type<tx_state>("actortx::tx_state");
  cfg.add_message_type<error_class>("actortx::error_class");
  cfg.add_message_type<attempt_record>("actortx::attempt_record");
  cfg.add_message_type<tx_outcome>("actortx::tx_outcome");
  cfg.add_message_type<exec_request>("actortx::exec_request");
  cfg.add_message_type<attempt_result>("actortx::attempt_result");
  cfg.add_message_type<pool_stats>("actortx::pool_stats");
  cfg.add_message_type<active_tx>("actortx::active_tx");
  cfg.add_message_type<std::vector<active_tx>>("std::vector<actortx::active_tx>");
  cfg.add_message_type<backend_activity>("actortx::backend_activity");
  cfg.add_message_type<std::vector<backend_activity>>("std::vector<actortx::backend_activity>");
  cfg.add_message_type<std::vector<int32_t>>("std::vector<int32_t>");
  cfg.add_message_type<saga_context>("actortx::saga_context");
  cfg.add_message_type<saga_state>("actortx::saga_state");
  cfg.add_message_type<step_state>("actortx::step_state");
  cfg.add_message_type<saga_request>("actortx::saga_request");
  cfg.add_message_type<step_report>("actortx::step_report");
  cfg.add_message_type<saga_outcome>("actortx::saga_outcome");
  cfg.add_message_type<saga_info>("actortx::saga_info");
  cfg.add_message_type<std::vector<saga_info>>("std::vector<actortx::saga_info>");
  cfg.add_message_type<saga_options>("actortx::saga_options");
  cfg.add_message_type<std::vector<saga_state>>("std::vector<actortx::saga_state>");
  cfg.add_message_type<saga_filter>("actortx::saga_filter");
  cfg.add_message_type<saga_lookup>("actortx::saga_lookup");
  cfg.add_message_type<saga_step_detail>("actortx::saga_step_detail");
  cfg.add_message_type<std::vector<saga_step_detail>>("std::vector<actortx::saga_step_detail>");
  cfg.add_message_type<saga_event>("actortx::saga_event");
  cfg.add_message_type<std::vector<saga_event>>("std::vector<actortx::saga_event>");
  cfg.add_message_type<saga_detail>("actortx::saga_detail");
  cfg.add_message_type<saga_command_kind>("actortx::saga_command_kind");
  cfg.add_message_type<saga_command>("actortx::saga_command");
  cfg.add_message_type<saga_command_result>("actortx::saga_command_result");
  cfg.add_message_type<prune_report>("actortx::prune_report");
  cfg.add_message_type<tx_record>("actortx::tx_record");
  cfg.add_message_type<std::vector<tx_record>>("std::vector<actortx::tx_record>");
  cfg.add_message_type<saga_record>("actortx::saga_record");
  cfg.add_message_type<alert_level>("actortx::alert_level");
  cfg.add_message_type<alert>("actortx::alert");
  cfg.add_message_type<std::vector<alert>>("std::vector<actortx::alert>");
  cfg.add_message_type<metrics_snapshot>("actortx::metrics_snapshot");
  cfg.add_message_type<metrics_report>("actortx::metrics_report");
  cfg.add_message_type<active_summary>("actortx::active_summary");
  cfg.add_message_type<value_kind>("actortx::value_kind");
  cfg.add_message_type<proc_value>("actortx::proc_value");
  cfg.add_message_type<procedure_call>("actortx::procedure_call");
  cfg.add_message_type<notification>("actortx::notification");
  cfg.add_message_type<notification_gap>("actortx::notification_gap");
  cfg.add_error_category(errc_category,
                         [](uint8_t code, caf::atom_value, const caf::message& ctx) -> std::string {
                           std::string out = "actortx::";
                           out += to_string(static_cast<errc>(code));
                           if (!ctx.empty()) {
                             out += ' ';
                             out += caf::deep_to_string(ctx);
                           }
                           return out;
                         });
}

}  // namespace actortx
