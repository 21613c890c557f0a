// Puts the process-wide logger state back after a test that changed it, as every other test
// expects it: every component at info, the default destination.
#pragma once

#include <actortx/log.hpp>

namespace actortx::test {

struct restore_log_state {
  restore_log_state() = default;
  restore_log_state(const restore_log_state&) = delete;
  restore_log_state& operator=(const restore_log_state&) = delete;
  ~restore_log_state() {
    set_log_level("info");
    set_log_destination(nullptr);
  }
};

}  // namespace actortx::test
