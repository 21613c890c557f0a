// What a listener needs: its channel and connection, how it backs off between reconnects, and
// where its notifications go. Internal to actors/.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <actortx/notification.hpp>
#include <actortx/tx_options.hpp>  // retry_policy

namespace actortx {

struct listener_settings {
  std::string channel;
  /// The runtime's DSN (with its TCP keepalives) plus the listener's application_name.
  std::string dsn;
  /// How long one connect and LISTEN may take.
  std::chrono::milliseconds connect_timeout{5000};
  /// Waits between reconnect attempts: 50 ms doubling to 5 s, +/- 20 % jitter, no limit
  /// (max_retries is not read: a listener tries until it is stopped).
  retry_policy reconnect{backoff::exponential,
                         std::chrono::milliseconds(50),
                         std::chrono::seconds(5),
                         2.0,
                         0.2,
                         false,
                         0};
};

/// Where notifications and gaps go; called on the listener's thread, in order.
struct listen_sink {
  std::function<void(const notification&)> on_notify;
  std::function<void(const notification_gap&)> on_gap;  ///< may be empty
};

/// "actortx/listen/<channel>", cut to what PostgreSQL keeps (63 bytes; never inside a UTF-8
/// character): how an operator, or a test, finds a listener's backend in pg_stat_activity.
std::string listener_application_name(const std::string& channel);

/// `dsn` with the listener's application_name (whatever the DSN said: the pool's connections
/// keep theirs).
std::string listener_dsn(const std::string& dsn, const std::string& channel);

}  // namespace actortx
