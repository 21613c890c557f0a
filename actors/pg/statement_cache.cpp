// A per-connection LRU of server-side prepared statements keyed by SQL text.
#include "actors/pg/statement_cache.hpp"

#include <iterator>
#include <utility>

namespace actortx {

statement_cache::statement_cache(size_t capacity, std::string name_prefix)
    : capacity_(capacity), prefix_(std::move(name_prefix)) {}

statement_cache::slot statement_cache::lookup(const std::string& sql) {
  if (!enabled()) return {std::string(), false};
  auto found = by_sql_.find(sql);
  if (found != by_sql_.end()) {
    ++hits_;
    entries_.splice(entries_.begin(), entries_, found->second);  // now most recently used
    return {found->second->name, found->second->prepared};
  }
  ++misses_;
  while (entries_.size() >= capacity_) evict_one();
  entries_.push_front(entry{sql, prefix_ + std::to_string(next_id_++), false});
  by_sql_.emplace(sql, entries_.begin());
  return {entries_.front().name, false};
}

void statement_cache::mark_prepared(const std::string& sql) {
  auto found = by_sql_.find(sql);
  if (found != by_sql_.end()) found->second->prepared = true;
}

void statement_cache::forget(const std::string& sql) {
  auto found = by_sql_.find(sql);
  if (found != by_sql_.end()) drop(found->second);
}

void statement_cache::forget_all() {
  while (!entries_.empty()) drop(entries_.begin());
}

void statement_cache::clear() noexcept {
  entries_.clear();
  by_sql_.clear();
  evicted_.clear();
}

std::vector<std::string> statement_cache::take_evicted() {
  std::vector<std::string> out;
  out.swap(evicted_);
  return out;
}

void statement_cache::evict_one() {
  ++evictions_;
  drop(std::prev(entries_.end()));
}

void statement_cache::drop(lru_list::iterator it) {
  // Only a statement the server knows needs a DEALLOCATE.
  if (it->prepared) evicted_.push_back(std::move(it->name));
  by_sql_.erase(it->sql);
  entries_.erase(it);
}

}  // namespace actortx
