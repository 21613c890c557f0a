#include "actors/pg/running_body.hpp"

namespace actortx {

namespace {
thread_local running_body current;
}  // namespace

running_body current_body() noexcept {
  return current;
}

running_body_scope::running_body_scope(tx& t, uint64_t pool_id) noexcept : previous_(current) {
  current = running_body{&t, pool_id};
}

running_body_scope::~running_body_scope() {
  current = previous_;
}

}  // namespace actortx
