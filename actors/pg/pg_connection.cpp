#include "actors/pg/pg_connection.hpp"

namespace actortx {

link_policy::handle link_policy::do_startconnect(handle orig) {
  auto h = pqxx::connect_direct::do_startconnect(orig);
  if (h != orig || !link_) link_ = std::make_shared<pg_link>(h);
  handle_ = h;
  return h;
}

link_policy::handle link_policy::do_dropconnect(handle orig) noexcept {
  retire();
  return pqxx::connect_direct::do_dropconnect(orig);
}

link_policy::handle link_policy::do_disconnect(handle orig) noexcept {
  retire();
  return pqxx::connect_direct::do_disconnect(orig);
}

void link_policy::retire() noexcept {
  if (link_) link_->retire();
  link_.reset();
  handle_ = nullptr;
}

pg_connection::pg_connection(const std::string& dsn) : connection_base(policy_), policy_(dsn) {
  init();
}

pg_connection::~pg_connection() noexcept {
  close();
}

}  // namespace actortx
