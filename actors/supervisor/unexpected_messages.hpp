// What an actortx actor does with a message its interface does not have (e.g. from a peer
// running another version): an error to the sender, one warn line per sender and kind.
#pragma once

#include <set>
#include <string>

#include <caf/fwd.hpp>

namespace actortx {

/// Who sent the current message, for the log: "this node", "node <id>" or "an anonymous
/// sender".
std::string sender_of(caf::local_actor* self);

class unexpected_messages {
 public:
  /// Logs `x` as ignored by `receiver` (e.g. "the supervisor") unless a message of the same
  /// kind (first element's atom, else its type) from the same sender node was logged already,
  /// and returns the errc::unexpected_message error for the sender.
  caf::error reject(caf::local_actor* self, caf::message_view& x, const char* receiver);

 private:
  static constexpr size_t max_kinds = 1000;  // a hostile peer cannot grow the set for ever
  std::set<std::string> logged_;
};

}  // namespace actortx
