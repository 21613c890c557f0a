#include "runtime/schema/prune_sql.hpp"

#include <stdexcept>

namespace actortx {

namespace {

/// Microseconds since the epoch; -1 (no as_of) makes the server use now().
int64_t epoch_us(const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return -1;
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

uint64_t count_of(const sql_value& v) {
  return v.is_null ? 0 : std::stoull(v.text);
}

}  // namespace

tx_script prune_batch_script(const prune_batch_args& args) {
  tx_script s;
  // The "as of" time travels as an exact integer (µs), never as locale-dependent text.
  s.add(
      "SELECT held_by, sagas, steps, events, keys, older_than FROM actortx.prune_batch($1, $2, "
      "CASE WHEN $3::bigint < 0 THEN now() "
      "ELSE timestamptz 'epoch' + $3::bigint * interval '1 microsecond' END, $4, $5)",
      args.owner, static_cast<int64_t>(args.lease.count()), epoch_us(args.as_of),
      static_cast<int64_t>(args.retention.count()), static_cast<int32_t>(args.batch));
  return s;
}

prune_report parse_prune_batch(const tx_outcome& out) {
  if (!out.committed())
    throw std::runtime_error("pruning batch " + std::string{to_string(out.state)} + ": " +
                             out.message);
  if (out.results.size() != 1 || out.results[0].rows.size() != 1 ||
      out.results[0].rows[0].size() != 6)
    throw std::runtime_error(
        "pruning batch: actortx.prune_batch() answered no row of 6 columns (is the schema at "
        "version 3?)");
  const auto& row = out.results[0].rows[0];
  prune_report r;
  r.held_by = row[0].is_null ? "" : row[0].text;
  r.sagas = count_of(row[1]);
  r.steps = count_of(row[2]);
  r.events = count_of(row[3]);
  r.keys = count_of(row[4]);
  r.cutoff = row[5].is_null ? "" : row[5].text;
  r.batches = r.held_by.empty() ? 1 : 0;
  return r;
}

bool add_batch(prune_report& round, const prune_report& batch, uint32_t batch_size) {
  round.sagas += batch.sagas;
  round.steps += batch.steps;
  round.events += batch.events;
  round.keys += batch.keys;
  round.batches += batch.batches;
  round.held_by = batch.held_by;
  if (round.cutoff.empty()) round.cutoff = batch.cutoff;
  if (batch.lease_held_elsewhere()) return false;
  return batch.sagas >= batch_size || batch.keys >= batch_size;
}

}  // namespace actortx
