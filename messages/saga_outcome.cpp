#include <actortx/saga_outcome.hpp>

namespace actortx {

bool parse_saga_state(const std::string& text, saga_state& out) noexcept {
  for (auto x : {saga_state::started, saga_state::executing, saga_state::compensating,
                 saga_state::committed, saga_state::compensated, saga_state::failed}) {
    if (text == to_string(x)) {
      out = x;
      return true;
    }
  }
  return false;
}

bool parse_step_state(const std::string& text, step_state& out) noexcept {
  for (auto x : {step_state::pending, step_state::done, step_state::failed, step_state::compensated,
                 step_state::compensation_failed}) {
    if (text == to_string(x)) {
      out = x;
      return true;
    }
  }
  return false;
}

}  // namespace actortx
