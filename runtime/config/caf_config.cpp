// caf_config: CAF's config with the actortx options and message types.
#include <actortx/register_messages.hpp>
#include <actortx/runtime_config.hpp>

#include "runtime/config/options.hpp"

namespace actortx {

caf_config::caf_config() {
  register_messages(*this);
  config_detail::add_actortx_options(custom_options_);
}

}  // namespace actortx
