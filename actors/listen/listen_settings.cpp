// The listener's application_name and DSN.
#include "actors/listen/listen_settings.hpp"

#include <actortx/dsn.hpp>

#include "runtime/policy/application_name.hpp"

namespace actortx {

std::string listener_application_name(const std::string& channel) {
  std::string name = "actortx/listen/" + channel;
  if (name.size() <= application_name_max) return name;
  size_t cut = application_name_max;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  name.resize(cut);
  return name;
}

std::string listener_dsn(const std::string& dsn, const std::string& channel) {
  return dsn_with(dsn, "application_name", listener_application_name(channel));
}

}  // namespace actortx
