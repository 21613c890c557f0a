#include <actortx/tx_hooks.hpp>

namespace actortx {

tx_hooks& tx_hooks::pre_commit(check_fn f) {
  if (f) pre_commit_.push_back(std::move(f));
  return *this;
}

tx_hooks& tx_hooks::post_commit(notify_fn f) {
  if (f) post_commit_.push_back(std::move(f));
  return *this;
}

tx_hooks& tx_hooks::pre_rollback(notify_fn f) {
  if (f) pre_rollback_.push_back(std::move(f));
  return *this;
}

tx_hooks& tx_hooks::post_rollback(notify_fn f) {
  if (f) post_rollback_.push_back(std::move(f));
  return *this;
}

bool tx_hooks::empty() const noexcept {
  return pre_commit_.empty() && post_commit_.empty() && pre_rollback_.empty() &&
         post_rollback_.empty();
}

}  // namespace actortx
