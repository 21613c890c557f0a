#include "raw_libpqxx.hpp"

#include <array>
#include <memory>

#include <pqxx/pqxx>

#include "tpcb_txn.hpp"

namespace bench {

phase_result run_raw_libpqxx(const std::string& dsn, int scale, const phase_settings& s,
                             uint64_t seed) {
  return run_phase(s, [&](int index) -> client_fn {
    // shared_ptr: client_fn is a copyable std::function, pqxx::connection is not copyable.
    auto conn = std::make_shared<pqxx::connection>(dsn);
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    return [conn, gen] {
      pqxx::work w{*conn};
      run_tpcb([&](const std::string& sql, auto... args) { w.exec_params(sql, args...); },
               gen->next());
      w.commit();
      return true;
    };
  });
}

phase_result run_raw_libpqxx_prepared(const std::string& dsn, int scale, const phase_settings& s,
                                      uint64_t seed) {
  static const std::array<std::string, 5> names{"tpcb1", "tpcb2", "tpcb3", "tpcb4", "tpcb5"};
  return run_phase(s, [&](int index) -> client_fn {
    auto conn = std::make_shared<pqxx::connection>(dsn);
    // libpqxx 6 prepares on the server at first use, i.e. in the warm-up, not in the window.
    for (size_t i = 0; i < names.size(); ++i) conn->prepare(names[i], tpcb_statements()[i]);
    auto gen = std::make_shared<tpcb_generator>(scale, seed + static_cast<uint64_t>(index));
    return [conn, gen] {
      pqxx::work w{*conn};
      run_tpcb([&](const std::string& sql,
                   auto... args) { w.exec_prepared(names[tpcb_index(sql)], args...); },
               gen->next());
      w.commit();
      return true;
    };
  });
}

}  // namespace bench
