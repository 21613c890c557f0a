// What a transaction request must satisfy before it runs, checked the same way by the
// supervisor and by the blocking lane. Internal to actors/.
#pragma once

#include <string>

#include <actortx/tx_options.hpp>

namespace actortx {

/// Empty if `opts` can run; otherwise what is wrong, naming the field.
std::string check_options(const tx_options& opts);

}  // namespace actortx
