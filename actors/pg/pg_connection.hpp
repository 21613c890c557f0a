// A libpqxx connection that also exposes its pg_link (cancel key and socket). libpqxx 6.4 keeps
// its PGconn private; its public extension point, the connection policy, receives the handle.
// Internal to actors/.
#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

#include "actors/pg/pg_link.hpp"

namespace actortx {

/// connect_direct that keeps a pg_link of the handle it opened, and retires it before the
/// handle is closed (so a late cut() never hits a reused file descriptor).
class link_policy : public pqxx::connect_direct {
 public:
  explicit link_policy(const std::string& opts) : pqxx::connect_direct(opts) {}
  handle do_startconnect(handle orig) override;
  handle do_dropconnect(handle orig) noexcept override;
  handle do_disconnect(handle orig) noexcept override;

  /// The link of the open handle; null while disconnected.
  const std::shared_ptr<pg_link>& link() const noexcept { return link_; }
  /// The open handle (null while disconnected), for what libpqxx 6.4 does not offer: pipeline
  /// mode. Use it only while libpqxx has no transaction open, and hand it back idle.
  handle native() const noexcept { return handle_; }

 private:
  void retire() noexcept;
  std::shared_ptr<pg_link> link_;
  handle handle_ = nullptr;
};

class pg_connection : public pqxx::connection_base {
 public:
  /// Connects at once (throws pqxx::broken_connection like pqxx::connection).
  explicit pg_connection(const std::string& dsn);
  ~pg_connection() noexcept;

  /// Of the current handle: libpqxx may reconnect by itself, which makes a new link.
  const std::shared_ptr<pg_link>& link() const noexcept { return policy_.link(); }
  /// The current libpq handle (see link_policy::native()).
  PGconn* native() const noexcept { return policy_.native(); }

 private:
  link_policy policy_;  // bound by reference in the base: used only from init() on
};

}  // namespace actortx
