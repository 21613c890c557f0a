#include "actors/pg/command_status.hpp"

namespace actortx {

namespace {

// Explicit instantiation may name private members ([temp.explicit]/14); this exposes
// pqxx::result::cmd_status() (an exported member of libpqxx 6.4) without patching the library.
struct cmd_status_tag {
  using type = const char* (pqxx::result::*)() const noexcept;
  friend type member(cmd_status_tag);
};

template <class Tag, typename Tag::type M>
struct expose {
  friend typename Tag::type member(Tag) { return M; }
};

template struct expose<cmd_status_tag, &pqxx::result::cmd_status>;

}  // namespace

const char* command_status(const pqxx::result& r) noexcept {
  return (r.*member(cmd_status_tag{}))();
}

}  // namespace actortx
