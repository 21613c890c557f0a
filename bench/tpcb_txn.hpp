// The TPC-B transaction of pgbench's built-in script, with the same random choices.
#pragma once

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

/// Runs the five statements through `exec(sql, params...)`. One template for both C++ paths,
/// so raw libpqxx and actortx send byte-identical statements.
template <class Exec>
void run_tpcb(Exec&& exec, const tpcb_params& p) {
  static const std::string update_account =
      "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2";
  static const std::string select_account = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
  static const std::string update_teller =
      "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2";
  static const std::string update_branch =
      "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2";
  static const std::string insert_history =
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
      "VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)";
  exec(update_account, p.delta, p.aid);
  exec(select_account, p.aid);
  exec(update_teller, p.delta, p.tid);
  exec(update_branch, p.delta, p.bid);
  exec(insert_history, p.tid, p.bid, p.aid, p.delta);
}

}  // namespace bench
