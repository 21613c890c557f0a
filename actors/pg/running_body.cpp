#include "actors/pg/running_body.hpp"

namespace actortx {

namespace {
thread_local running_body current;
}  // namespace

running_body current_body() noexcept {
  return current;
}

running_body_scope::running_body_scope(tx& t, const void* pool) noexcept : previous_(current) {
  current = running_body{&t, pool};
}

running_body_scope::~running_body_scope() {
  current = previous_;
}

}  // namespace actortx
