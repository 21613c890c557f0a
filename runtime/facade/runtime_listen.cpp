// runtime::listen: a listener per subscription (actors/listen), delivering to an actor as
// messages or to callbacks, stopped by its handle or with the runtime.
#include <stdexcept>

#include <caf/all.hpp>

#include <actortx/dsn.hpp>

#include "runtime/facade/runtime_impl.hpp"

namespace actortx {

listen_handle runtime::impl::listen(const std::string& channel, listen_sink sink) {
  listener_settings settings;
  settings.channel = channel;
  settings.dsn = listener_dsn(dsn, channel);
  settings.connect_timeout = cfg.pool.connect_timeout;
  std::shared_ptr<listener> started;
  try {
    started = listener::start(std::move(settings), std::move(sink));
  } catch (const std::exception& e) {
    throw startup_error("cannot LISTEN on channel \"" + channel + "\" at " + dsn_target(dsn) +
                        ": " + e.what());
  }
  listeners.add(started);
  return listen_handle{[started] { started->stop(); }};
}

listen_handle runtime::listen(const std::string& channel, caf::actor target) {
  if (!target) throw std::invalid_argument("runtime::listen: the target actor is null");
  listen_sink sink;
  // anon_send is safe from any thread; the message goes to the actor's mailbox.
  sink.on_notify = [target](const notification& n) { caf::anon_send(target, n); };
  sink.on_gap = [target](const notification_gap& g) { caf::anon_send(target, g); };
  return impl_->listen(channel, std::move(sink));
}

listen_handle runtime::listen(const std::string& channel,
                              std::function<void(const notification&)> on_notify,
                              std::function<void(const notification_gap&)> on_gap) {
  if (!on_notify) throw std::invalid_argument("runtime::listen: on_notify is empty");
  return impl_->listen(channel, listen_sink{std::move(on_notify), std::move(on_gap)});
}

}  // namespace actortx
