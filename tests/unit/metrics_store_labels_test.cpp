// The metrics store's labels: the library's own transactions counted apart, the bounded set
// of application labels, and transactions without a label.
#include <string>

#include <catch2/catch.hpp>

#include "metrics_store_fixture.hpp"
#include "runtime/observability/metrics_store.hpp"

using namespace actortx;
using namespace actortx::test;
using namespace std::chrono_literals;

TEST_CASE(
    "internal transactions are counted only in the internal figures and are still found "
    "in the ring",
    "[unit]") {
  metrics_store_settings cfg;
  cfg.trend_bucket = 10s;
  cfg.trend_span = 1min;
  metrics_store m{cfg};
  m.add(tx(1, "transfer", tx_state::committed, 2000));
  auto lost =
      with_failures(tx(2, "actortx.saga_log", tx_state::in_doubt, 3000), 1, {"commit_in_doubt"});
  lost.error_type = "commit_in_doubt";
  lost.saga_id = "s-1";
  m.add(lost);
  m.add(with_failures(tx(3, "actortx.prune", tx_state::failed, 1000), 1, {"57014"}));
  m.add(tx(4, "actortx.saga_log", tx_state::committed, 1000));
  // A record from a peer that predates the flag: the reserved label alone decides.
  auto old_peer = tx(5, "actortx.claim", tx_state::timeout, 1000);
  old_peer.internal = false;
  m.add(old_peer);

  const auto s = m.snapshot(ms(t0) + 500);
  // What alerts and health read holds the application's transaction only.
  CHECK(s.overall.finished() == 1);
  CHECK(s.overall.committed == 1);
  CHECK(s.overall.errors() == 0);
  CHECK(s.overall.success_rate == 1.0);
  REQUIRE(s.by_label.size() == 1);
  CHECK(s.by_label[0].label == "transfer");
  REQUIRE(s.operations.size() == 1);
  CHECK(s.operations[0].operation == "transfer");
  CHECK(s.failures_by_cause.empty());
  uint64_t in_trend = 0;
  for (const auto& p : s.trend) in_trend += p.finished();
  CHECK(in_trend == 1);
  REQUIRE(s.windows.size() == 2);
  CHECK(s.windows[0].finished == 1);

  CHECK(s.internal.finished() == 4);
  CHECK(s.internal.in_doubt == 1);
  CHECK(s.internal.failed == 1);
  CHECK(s.internal.timed_out == 1);
  REQUIRE(s.internal_by_label.size() == 3);
  CHECK(s.internal_by_label[0].label == "actortx.claim");
  CHECK(s.internal_by_label[1].label == "actortx.prune");
  CHECK(s.internal_by_label[2].label == "actortx.saga_log");
  CHECK(s.internal_by_label[2].agg.finished() == 2);
  REQUIRE(s.internal_failures_by_cause.size() == 2);
  CHECK(s.internal_failures_by_cause[0].cause == "57014");
  CHECK(s.internal_failures_by_cause[1].cause == "commit_in_doubt");

  // Queries by id, label and saga still find them.
  REQUIRE(m.find(2));
  CHECK(m.find(2)->state == tx_state::in_doubt);
  CHECK(ids(m.by_label("actortx.saga_log")) == std::vector<uint64_t>{4, 2});
  CHECK(ids(m.of_saga("s-1")) == std::vector<uint64_t>{2});
  CHECK(m.recent().size() == 5);
}

TEST_CASE("set_active counts running internal transactions apart from the application's",
          "[unit]") {
  metrics_store m;
  m.set_active(7, {{"transfer", 3}, {"actortx.saga_log", 2}, {"actortx.prune", 1}, {"", 1}});
  const auto s = m.snapshot(ms(t0));
  CHECK(s.overall.active == 4);
  CHECK(s.internal.active == 3);
  REQUIRE(s.by_label.size() == 2);
  CHECK(s.by_label[0].label == unlabelled_label);
  CHECK(s.by_label[0].agg.active == 1);
  CHECK(s.by_label[1].label == "transfer");
  REQUIRE(s.internal_by_label.size() == 2);
  CHECK(s.internal_by_label[1].label == "actortx.saga_log");
  CHECK(s.internal_by_label[1].agg.active == 2);
}

TEST_CASE("labels beyond max_labels are counted under \"other\", the first ones kept", "[unit]") {
  metrics_store_settings cfg;
  cfg.max_labels = 3;
  metrics_store m{cfg};
  uint64_t id = 0;
  for (const char* label : {"a", "b", "", "c", "d", "a", "e", "d"})
    m.add(tx(++id, label, tx_state::committed, 1000));
  // Internal labels are not limited and take no slot.
  m.add(tx(++id, "actortx.saga_log", tx_state::committed, 1000));
  m.add(tx(++id, "actortx.prune", tx_state::committed, 1000));

  auto s = m.snapshot(ms(t0));
  REQUIRE(s.by_label.size() == 5);  // 3 kept, "(unlabelled)" and "other"
  CHECK(s.by_label[0].label == unlabelled_label);
  CHECK(s.by_label[1].label == "a");
  CHECK(s.by_label[1].agg.committed == 2);
  CHECK(s.by_label[2].label == "b");
  CHECK(s.by_label[3].label == "c");
  CHECK(s.by_label[4].label == overflow_label);
  CHECK(s.by_label[4].agg.committed == 3);  // d, e, d
  CHECK(s.overall.committed == 8);
  CHECK(s.internal_by_label.size() == 2);
  for (const auto& op : s.operations) CHECK(op.operation != "d");

  // Running transactions of a label beyond the limit land on "other" too, summed.
  m.set_active(4, {{"d", 1}, {"f", 2}, {"a", 1}});
  s = m.snapshot(ms(t0));
  const auto* other = find_label(s, overflow_label);
  REQUIRE(other);
  CHECK(other->agg.active == 3);
  CHECK(find_label(s, "f") == nullptr);
  // The records keep their own label.
  CHECK(ids(m.by_label("d")) == std::vector<uint64_t>{8, 5});
}

TEST_CASE("a transaction without a label is counted under \"(unlabelled)\", never \"\"", "[unit]") {
  metrics_store m;
  m.add(tx(1, "", tx_state::committed, 1000));
  auto failed = tx(2, "", tx_state::failed, 1000);
  failed.error_type = "23505";
  m.add(failed);
  const auto s = m.snapshot(ms(t0));
  REQUIRE(s.by_label.size() == 1);
  CHECK(s.by_label[0].label == "(unlabelled)");
  CHECK(s.by_label[0].agg.finished() == 2);
  REQUIRE(s.operations.size() == 2);
  for (const auto& op : s.operations) CHECK(op.operation == "(unlabelled)");
}
