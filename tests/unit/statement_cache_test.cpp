#include "actors/pg/statement_cache.hpp"

#include <set>

#include <catch2/catch.hpp>

using namespace actortx;

TEST_CASE("statement_cache: a repeated statement keeps its name and is prepared once", "[unit]") {
  statement_cache c{4, "ax_"};
  CHECK(c.enabled());
  auto first = c.lookup("SELECT 1");
  CHECK(first.name == "ax_0");
  CHECK_FALSE(first.prepared);
  c.mark_prepared("SELECT 1");
  auto again = c.lookup("SELECT 1");
  CHECK(again.name == "ax_0");
  CHECK(again.prepared);
  CHECK(c.lookup("SELECT 2").name == "ax_1");
  CHECK(c.size() == 2);
  CHECK(c.hits() == 1);
  CHECK(c.misses() == 2);
}

TEST_CASE("statement_cache: capacity 0 disables it; lookups give no name", "[unit]") {
  statement_cache c{0, "ax_"};
  CHECK_FALSE(c.enabled());
  auto s = c.lookup("SELECT 1");
  CHECK(s.name.empty());
  CHECK_FALSE(s.prepared);
  c.mark_prepared("SELECT 1");
  CHECK(c.size() == 0);
  CHECK(c.take_evicted().empty());
}

TEST_CASE("statement_cache: the least recently used entry is evicted, prepared ones queued",
          "[unit]") {
  statement_cache c{2, "ax_"};
  c.lookup("a");
  c.mark_prepared("a");
  c.lookup("b");
  c.mark_prepared("b");
  c.lookup("a");  // b is now the least recently used
  c.lookup("c");
  CHECK(c.size() == 2);
  CHECK(c.evictions() == 1);
  CHECK(c.take_evicted() == std::vector<std::string>{"ax_1"});
  CHECK(c.take_evicted().empty());  // taken once
  CHECK(c.lookup("a").prepared);
  // b comes back under a new name: the old one may still await its DEALLOCATE.
  auto b = c.lookup("b");
  CHECK(b.name == "ax_3");
  CHECK_FALSE(b.prepared);
  // c was never prepared: nothing to DEALLOCATE for it.
  CHECK(c.take_evicted().empty());
}

TEST_CASE("statement_cache: forget drops one entry and queues it if it was prepared", "[unit]") {
  statement_cache c{8, "ax_"};
  c.lookup("a");
  c.mark_prepared("a");
  c.lookup("b");
  c.forget("a");
  c.forget("b");        // never prepared: nothing to DEALLOCATE
  c.forget("unknown");  // harmless
  CHECK(c.size() == 0);
  CHECK(c.take_evicted() == std::vector<std::string>{"ax_0"});
  auto again = c.lookup("a");
  CHECK_FALSE(again.prepared);
  CHECK(again.name == "ax_2");
}

TEST_CASE("statement_cache: forget_all queues every prepared name, clear forgets them", "[unit]") {
  statement_cache c{8, "axp_"};
  for (auto sql : {"a", "b", "c"}) {
    c.lookup(sql);
    c.mark_prepared(sql);
  }
  c.forget_all();
  CHECK(c.size() == 0);
  auto names = c.take_evicted();
  CHECK(std::set<std::string>(names.begin(), names.end()) ==
        std::set<std::string>{"axp_0", "axp_1", "axp_2"});

  c.lookup("d");
  c.mark_prepared("d");
  c.lookup("e");
  c.lookup("f");
  c.mark_prepared("f");
  c.forget("d");
  c.clear();  // a new session: nothing on the server, nothing to DEALLOCATE
  CHECK(c.size() == 0);
  CHECK(c.take_evicted().empty());
  CHECK_FALSE(c.lookup("f").prepared);
}

TEST_CASE("statement_cache: the bound holds under churn and names never repeat", "[unit]") {
  statement_cache c{16, "ax_"};
  std::set<std::string> names;
  size_t queued = 0;
  for (int i = 0; i < 1000; ++i) {
    auto sql = "SELECT " + std::to_string(i % 40);
    auto s = c.lookup(sql);
    if (!s.prepared) {
      CHECK(names.insert(s.name).second);
      c.mark_prepared(sql);
    }
    CHECK(c.size() <= 16);
    queued += c.take_evicted().size();
  }
  CHECK(c.size() == 16);
  CHECK(queued == c.evictions());
  CHECK(queued + c.size() == names.size());
}
