// The TPC-B transaction of pgbench's built-in script, with the same random choices.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace bench {

struct tpcb_params {
  int aid = 1, bid = 1, tid = 1, delta = 0;
};

/// pgbench's ranges: aid 1..100000*scale, bid 1..scale, tid 1..10*scale, delta -5000..5000.
class tpcb_generator {
 public:
  tpcb_generator(int scale, uint64_t seed)
      : rng_(seed),
        aid_(1, 100000 * scale),
        bid_(1, scale),
        tid_(1, 10 * scale),
        delta_(-5000, 5000) {}

  tpcb_params next() { return {aid_(rng_), bid_(rng_), tid_(rng_), delta_(rng_)}; }

 private:
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int> aid_, bid_, tid_, delta_;
};

/// pgbench's five statements in the order run_tpcb sends them.
inline const std::array<std::string, 5>& tpcb_statements() {
  static const std::array<std::string, 5> sql{
      "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
      "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
      "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
      "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
      "VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)"};
  return sql;
}

/// Index (0..4) of a statement run_tpcb passed: it passes the elements of tpcb_statements()
/// themselves, so a prepared-statement client finds its name by address, without hashing SQL
/// on the measured path.
inline size_t tpcb_index(const std::string& sql) {
  return static_cast<size_t>(&sql - tpcb_statements().data());
}

/// Runs the five statements through `exec(sql, params...)`. One template for every C++ path,
/// so raw libpqxx, prepared and actortx send byte-identical statements.
template <class Exec>
void run_tpcb(Exec&& exec, const tpcb_params& p) {
  const auto& sql = tpcb_statements();
  exec(sql[0], p.delta, p.aid);
  exec(sql[1], p.aid);
  exec(sql[2], p.delta, p.tid);
  exec(sql[3], p.delta, p.bid);
  exec(sql[4], p.tid, p.bid, p.aid, p.delta);
}

}  // namespace bench
