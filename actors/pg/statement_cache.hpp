// A per-connection LRU of server-side prepared statements keyed by SQL text (no libpq here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace actortx {

// Why: unnamed statements are parsed and planned on every call; naming the statements a
// connection runs again and again saves that work. The cache only decides names and remembers
// what the server knows; the caller does PREPARE / DEALLOCATE. One instance per connection and
// per user of that connection (each with its own name prefix, e.g. "ax_" and "axp_"), so two
// users never hand out the same name.
class statement_cache {
 public:
  // capacity 0 disables the cache: lookup() then returns an empty name (run unnamed).
  statement_cache(size_t capacity, std::string name_prefix);

  bool enabled() const noexcept { return capacity_ > 0; }
  size_t capacity() const noexcept { return capacity_; }
  const std::string& name_prefix() const noexcept { return prefix_; }

  struct slot {
    std::string name;  // empty when disabled
    bool prepared;     // known on the server: no PREPARE needed before executing
  };

  // The name for sql, most-recently-used afterwards. An absent sql gets a fresh name (names
  // are never reused, so a name queued for DEALLOCATE cannot clash with a new statement);
  // making room may evict the least-recently-used entry.
  slot lookup(const std::string& sql);

  // After a successful PREPARE on the server.
  void mark_prepared(const std::string& sql);

  // After 0A000 / 26000 on this statement: the next lookup prepares it again under a new
  // name. A name that was prepared is queued for DEALLOCATE (it may still exist, e.g. 0A000).
  void forget(const std::string& sql);

  // After 26000 on a statement the server had: it dropped its prepared statements (DEALLOCATE
  // ALL, DISCARD ALL, a pooler behind which the backend changed), so every entry is suspect.
  // All entries go; the prepared names are queued for DEALLOCATE (which may find them gone).
  void forget_all();

  // The connection was replaced or reset: nothing is prepared, nothing to DEALLOCATE.
  void clear() noexcept;

  // Names evicted or forgotten since the last call that were prepared on the server, to
  // DEALLOCATE outside any aborted transaction (a failing DEALLOCATE is harmless).
  std::vector<std::string> take_evicted();

  size_t size() const noexcept { return entries_.size(); }

  // Counters for tests and metrics.
  uint64_t hits() const noexcept { return hits_; }
  uint64_t misses() const noexcept { return misses_; }
  uint64_t evictions() const noexcept { return evictions_; }

 private:
  struct entry {
    std::string sql;
    std::string name;
    bool prepared;
  };
  using lru_list = std::list<entry>;  // front: most recently used

  void evict_one();
  void drop(lru_list::iterator it);

  size_t capacity_;
  std::string prefix_;
  uint64_t next_id_ = 0;
  lru_list entries_;
  std::unordered_map<std::string, lru_list::iterator> by_sql_;
  std::vector<std::string> evicted_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace actortx
