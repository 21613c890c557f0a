#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <actortx/metrics_report.hpp>

namespace actortx {

namespace {

// ordered_json keeps the members in the order written here: the document reads top-down
// (counters before percentiles) instead of alphabetically.
using json = nlohmann::ordered_json;

// --- enum names ---------------------------------------------------------------------------

const char* iso_name(isolation x) noexcept {
  switch (x) {
    case isolation::read_uncommitted:
      return "read_uncommitted";
    case isolation::read_committed:
      return "read_committed";
    case isolation::repeatable_read:
      return "repeatable_read";
    case isolation::serializable:
      return "serializable";
  }
  return "read_committed";
}

constexpr std::initializer_list<isolation> all_isolations{
    isolation::read_uncommitted, isolation::read_committed, isolation::repeatable_read,
    isolation::serializable};
constexpr std::initializer_list<tx_state> all_tx_states{tx_state::running,     tx_state::committed,
                                                        tx_state::rolled_back, tx_state::timeout,
                                                        tx_state::failed,      tx_state::in_doubt};
constexpr std::initializer_list<alert_level> all_alert_levels{
    alert_level::info, alert_level::warning, alert_level::error, alert_level::critical};

/// Inverse of `name` over `all`; false for an unknown text.
template <class Enum, class Name>
bool parse_enum(const std::string& text, std::initializer_list<Enum> all, Name name, Enum& out) {
  for (auto x : all) {
    if (text == name(x)) {
      out = x;
      return true;
    }
  }
  return false;
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

// --- numbers as text (CSV) ------------------------------------------------------------------

/// Shortest text that parses back to the same double.
std::string number_text(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

/// Whole-field integer parse: no sign for unsigned, no blanks, no trailing text.
template <class Int>
bool parse_int(const std::string& text, Int& out) {
  if (text.empty()) return false;
  auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc{} && res.ptr == text.data() + text.size();
}

// --- JSON writing ---------------------------------------------------------------------------

/// JSON has no NaN or infinities: those are written as strings and read back as such.
json number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return v;
}

json seconds(std::chrono::microseconds d) {
  return number(static_cast<double>(d.count()) / 1e6);
}

json buckets_json(const std::vector<uint64_t>& buckets) {
  json out = json::array();
  for (size_t i = 0; i < buckets.size(); ++i) {
    json b;
    if (i < latency_bucket_bounds.size())
      b["le"] = latency_bucket_bounds[i];
    else
      b["le"] = "+Inf";
    b["count"] = buckets[i];
    out.push_back(std::move(b));
  }
  return out;
}

void write_aggregate(json& j, const tx_aggregate& a) {
  j["started"] = a.started;
  j["finished"] = a.finished();  // derived, for readers; not read back
  j["committed"] = a.committed;
  j["rolled_back"] = a.rolled_back;
  j["failed"] = a.failed;
  j["timed_out"] = a.timed_out;
  j["in_doubt"] = a.in_doubt;
  j["active"] = a.active;
  j["retries"] = a.retries;
  j["deadlocks"] = a.deadlocks;
  j["serialization_failures"] = a.serialization_failures;
  j["savepoints"] = a.savepoints;
  j["rows"] = a.rows;
  j["success_rate"] = number(a.success_rate);
  j["p50_seconds"] = number(a.p50_seconds);
  j["p95_seconds"] = number(a.p95_seconds);
  j["p99_seconds"] = number(a.p99_seconds);
  j["latency_sum_seconds"] = number(a.latency_sum_seconds);
  j["latency_buckets"] = buckets_json(a.latency_buckets);
}

json sagas_json(const saga_aggregate& s) {
  json j;
  j["started"] = s.started;
  json states = json::object();
  for (size_t i = 0; i < s.by_state.size(); ++i)
    states[to_string(static_cast<saga_state>(i))] = s.by_state[i];
  j["by_state"] = std::move(states);
  j["compensations"] = s.compensations;
  j["recovered"] = s.recovered;
  return j;
}

json pool_json(const pool_gauges& p) {
  json j;
  j["max"] = p.max;
  j["in_use"] = p.in_use;
  j["idle"] = p.idle;
  j["waiting"] = p.waiting;
  j["leases"] = p.leases;
  j["leases_waited_over_100ms"] = p.leases_waited_over_100ms;
  j["exhausted"] = p.exhausted;
  j["lease_wait_sum_seconds"] = number(p.lease_wait_sum_seconds);
  return j;
}

json trend_json(const trend_point& p) {
  json j;
  j["unix_s"] = p.unix_s;
  j["committed"] = p.committed;
  j["failed"] = p.failed;
  j["p50_seconds"] = number(p.p50_seconds);
  j["p99_seconds"] = number(p.p99_seconds);
  return j;
}

json alert_json(const alert& a) {
  json j;
  j["rule"] = a.rule;
  j["subject"] = a.subject;
  j["level"] = to_string(a.level);
  j["message"] = a.message;
  j["value"] = number(a.value);
  j["threshold"] = number(a.threshold);
  j["unix_ms"] = a.unix_ms;
  return j;
}

json health_json(const health_report& h) {
  json j;
  j["score"] = h.score;
  json components = json::array();
  for (const auto& c : h.components)
    components.push_back(
        {{"name", c.name}, {"value", number(c.value)}, {"weight", number(c.weight)}});
  j["components"] = std::move(components);
  j["recommendations"] = h.recommendations;
  return j;
}

json snapshot_json(const metrics_snapshot& s) {
  json j;
  j["unix_ms"] = s.unix_ms;
  j["uptime_seconds"] = number(s.uptime_seconds);
  write_aggregate(j["overall"], s.overall);
  json labels = json::array();
  for (const auto& l : s.by_label) {
    json x;
    x["label"] = l.label;
    write_aggregate(x, l.agg);
    labels.push_back(std::move(x));
  }
  j["by_label"] = std::move(labels);
  j["sagas"] = sagas_json(s.sagas);
  j["pool"] = pool_json(s.pool);
  j["long_running"] = s.long_running;
  json trend = json::array();
  for (const auto& p : s.trend) trend.push_back(trend_json(p));
  j["trend"] = std::move(trend);
  json alerts = json::array();
  for (const auto& a : s.recent_alerts) alerts.push_back(alert_json(a));
  j["alerts"] = std::move(alerts);
  j["health"] = health_json(s.health);
  json failures = json::array();
  for (const auto& f : s.failures_by_sqlstate)
    failures.push_back({{"sqlstate", f.sqlstate}, {"count", f.count}});
  j["failures_by_sqlstate"] = std::move(failures);
  return j;
}

json tx_json(const tx_record& r) {
  json j;
  j["id"] = r.id;
  j["label"] = r.label;
  j["isolation"] = iso_name(r.iso);
  j["read_only"] = r.read_only;
  j["state"] = to_string(r.state);
  j["start_unix_us"] = r.start_unix_us;
  j["duration_seconds"] = seconds(r.duration);  // for readers; duration_us is exact
  j["duration_us"] = r.duration.count();
  j["attempts"] = r.attempts;
  j["failed_sqlstates"] = r.failed_sqlstates;
  j["savepoints"] = r.savepoints;
  j["rows"] = r.rows;
  j["deduplicated"] = r.deduplicated;
  return j;
}

json saga_json(const saga_record& r) {
  json j;
  j["id"] = r.id;
  j["type"] = r.type;
  j["state"] = to_string(r.state);
  j["steps"] = r.steps;
  j["steps_done"] = r.steps_done;
  j["compensations"] = r.compensations;
  j["start_unix_us"] = r.start_unix_us;
  j["duration_seconds"] = seconds(r.duration);
  j["duration_us"] = r.duration.count();
  j["recovered"] = r.recovered;
  j["error"] = r.error;
  return j;
}

json active_json(const active_tx& a) {
  json j;
  j["id"] = a.id;
  j["label"] = a.label;
  j["attempt"] = a.attempt;
  j["age_seconds"] = number(static_cast<double>(a.age.count()) / 1e3);
  j["age_ms"] = a.age.count();
  j["backend_pid"] = a.backend_pid;
  j["statement"] = a.statement;
  j["long_running"] = a.long_running;
  return j;
}

// --- JSON reading ---------------------------------------------------------------------------

/// A value and where it sits in the document ("transactions[3].state"), so that every
/// error names the field it is about.
class field {
 public:
  field(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(path_ + ": " + what);
  }

  field operator[](const char* key) const {
    if (!j_.is_object()) fail("expected an object");
    auto i = j_.find(key);
    const auto path = path_.empty() ? std::string{key} : path_ + "." + key;
    if (i == j_.end()) throw std::invalid_argument(path + ": missing");
    return field{*i, path};
  }

  /// Calls f(field) for every element of an array.
  template <class F>
  void each(F&& f) const {
    if (!j_.is_array()) fail("expected an array");
    for (size_t i = 0; i < j_.size(); ++i) f(field{j_[i], path_ + "[" + std::to_string(i) + "]"});
  }
  size_t size() const {
    if (!j_.is_array()) fail("expected an array");
    return j_.size();
  }

  template <class Unsigned = uint64_t>
  Unsigned u() const {
    static_assert(std::is_unsigned_v<Unsigned>);
    if (j_.is_number_unsigned()) {
      const auto v = j_.get<uint64_t>();
      if (v <= std::numeric_limits<Unsigned>::max()) return static_cast<Unsigned>(v);
      fail("out of range");
    }
    if (j_.is_number_integer()) fail("must not be negative");
    fail("expected an unsigned integer");
  }

  template <class Signed = int64_t>
  Signed i() const {
    static_assert(std::is_signed_v<Signed>);
    if (j_.is_number_unsigned()) {
      const auto v = j_.get<uint64_t>();
      if (v <= static_cast<uint64_t>(std::numeric_limits<Signed>::max()))
        return static_cast<Signed>(v);
      fail("out of range");
    }
    if (j_.is_number_integer()) {
      const auto v = j_.get<int64_t>();
      if (v >= std::numeric_limits<Signed>::min() && v <= std::numeric_limits<Signed>::max())
        return static_cast<Signed>(v);
      fail("out of range");
    }
    fail("expected an integer");
  }

  double d() const {
    if (j_.is_number()) return j_.get<double>();
    if (j_.is_string()) {
      const auto& s = j_.get_ref<const std::string&>();
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (s == "+Inf") return std::numeric_limits<double>::infinity();
      if (s == "-Inf") return -std::numeric_limits<double>::infinity();
    }
    fail("expected a number");
  }

  bool b() const {
    if (!j_.is_boolean()) fail("expected true or false");
    return j_.get<bool>();
  }

  std::string s() const {
    if (!j_.is_string()) fail("expected a string");
    return j_.get<std::string>();
  }

  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    each([&](const field& x) { out.push_back(x.s()); });
    return out;
  }

  isolation iso() const {
    isolation out{};
    const auto text = s();
    if (!parse_enum(text, all_isolations, iso_name, out)) fail("unknown isolation " + quoted(text));
    return out;
  }

  tx_state tx() const {
    tx_state out{};
    const auto text = s();
    if (!parse_enum(
            text, all_tx_states, [](tx_state x) { return to_string(x); }, out))
      fail("unknown state " + quoted(text));
    return out;
  }

  saga_state saga() const {
    saga_state out{};
    const auto text = s();
    if (!parse_saga_state(text, out)) fail("unknown state " + quoted(text));
    return out;
  }

  alert_level level() const {
    alert_level out{};
    const auto text = s();
    if (!parse_enum(
            text, all_alert_levels, [](alert_level x) { return to_string(x); }, out))
      fail("unknown level " + quoted(text));
    return out;
  }

  const json& raw() const noexcept { return j_; }
  const std::string& path() const noexcept { return path_; }

 private:
  const json& j_;
  std::string path_;
};

/// The bucket bounds are part of the format: a document written with other bounds is
/// rejected instead of having its counts filed under the wrong latencies.
std::vector<uint64_t> read_buckets(const field& f) {
  if (f.size() != latency_bucket_count)
    f.fail("expected " + std::to_string(latency_bucket_count) + " buckets, found " +
           std::to_string(f.size()));
  std::vector<uint64_t> out;
  f.each([&](const field& b) {
    const size_t i = out.size();
    const auto le = b["le"];
    const bool ok = i < latency_bucket_bounds.size()
                        ? le.raw().is_number() && le.d() == latency_bucket_bounds[i]
                        : le.raw() == "+Inf";
    if (!ok) le.fail("unexpected bucket bound " + le.raw().dump());
    out.push_back(b["count"].u());
  });
  return out;
}

tx_aggregate read_aggregate(const field& f) {
  tx_aggregate a;
  a.started = f["started"].u();
  a.committed = f["committed"].u();
  a.rolled_back = f["rolled_back"].u();
  a.failed = f["failed"].u();
  a.timed_out = f["timed_out"].u();
  a.in_doubt = f["in_doubt"].u();
  a.active = f["active"].i();
  a.retries = f["retries"].u();
  a.deadlocks = f["deadlocks"].u();
  a.serialization_failures = f["serialization_failures"].u();
  a.savepoints = f["savepoints"].u();
  a.rows = f["rows"].u();
  a.success_rate = f["success_rate"].d();
  a.p50_seconds = f["p50_seconds"].d();
  a.p95_seconds = f["p95_seconds"].d();
  a.p99_seconds = f["p99_seconds"].d();
  a.latency_sum_seconds = f["latency_sum_seconds"].d();
  a.latency_buckets = read_buckets(f["latency_buckets"]);
  return a;
}

saga_aggregate read_sagas(const field& f) {
  saga_aggregate s;
  s.started = f["started"].u();
  const auto states = f["by_state"];
  if (!states.raw().is_object()) states.fail("expected an object");
  for (const auto& [name, n] : states.raw().items()) {
    const field x{n, states.path() + "." + name};
    saga_state st{};
    if (!parse_saga_state(name, st)) x.fail("unknown state " + quoted(name));
    s.by_state[static_cast<size_t>(st)] = x.u();
  }
  s.compensations = f["compensations"].u();
  s.recovered = f["recovered"].u();
  return s;
}

pool_gauges read_pool(const field& f) {
  pool_gauges p;
  p.max = f["max"].u<uint32_t>();
  p.in_use = f["in_use"].u<uint32_t>();
  p.idle = f["idle"].u<uint32_t>();
  p.waiting = f["waiting"].u<uint32_t>();
  p.leases = f["leases"].u();
  p.leases_waited_over_100ms = f["leases_waited_over_100ms"].u();
  p.exhausted = f["exhausted"].u();
  p.lease_wait_sum_seconds = f["lease_wait_sum_seconds"].d();
  return p;
}

trend_point read_trend_point(const field& f) {
  trend_point p;
  p.unix_s = f["unix_s"].i();
  p.committed = f["committed"].u();
  p.failed = f["failed"].u();
  p.p50_seconds = f["p50_seconds"].d();
  p.p99_seconds = f["p99_seconds"].d();
  return p;
}

alert read_alert(const field& f) {
  alert a;
  a.rule = f["rule"].s();
  a.subject = f["subject"].s();
  a.level = f["level"].level();
  a.message = f["message"].s();
  a.value = f["value"].d();
  a.threshold = f["threshold"].d();
  a.unix_ms = f["unix_ms"].i();
  return a;
}

health_report read_health(const field& f) {
  health_report h;
  h.score = f["score"].i<int>();
  f["components"].each([&](const field& c) {
    h.components.push_back({c["name"].s(), c["value"].d(), c["weight"].d()});
  });
  h.recommendations = f["recommendations"].strings();
  return h;
}

metrics_snapshot read_snapshot(const field& f) {
  metrics_snapshot s;
  s.unix_ms = f["unix_ms"].i();
  s.uptime_seconds = f["uptime_seconds"].d();
  s.overall = read_aggregate(f["overall"]);
  f["by_label"].each([&](const field& l) {
    s.by_label.push_back({l["label"].s(), read_aggregate(l)});
  });
  s.sagas = read_sagas(f["sagas"]);
  s.pool = read_pool(f["pool"]);
  s.long_running = f["long_running"].u<uint32_t>();
  f["trend"].each([&](const field& p) { s.trend.push_back(read_trend_point(p)); });
  f["alerts"].each([&](const field& a) { s.recent_alerts.push_back(read_alert(a)); });
  s.health = read_health(f["health"]);
  f["failures_by_sqlstate"].each([&](const field& x) {
    s.failures_by_sqlstate.push_back({x["sqlstate"].s(), x["count"].u()});
  });
  return s;
}

tx_record read_tx(const field& f) {
  tx_record r;
  r.id = f["id"].u();
  r.label = f["label"].s();
  r.iso = f["isolation"].iso();
  r.read_only = f["read_only"].b();
  r.state = f["state"].tx();
  r.start_unix_us = f["start_unix_us"].i();
  r.duration = std::chrono::microseconds{f["duration_us"].i()};
  r.attempts = f["attempts"].u<uint32_t>();
  r.failed_sqlstates = f["failed_sqlstates"].strings();
  r.savepoints = f["savepoints"].u<uint32_t>();
  r.rows = f["rows"].u();
  r.deduplicated = f["deduplicated"].b();
  return r;
}

saga_record read_saga(const field& f) {
  saga_record r;
  r.id = f["id"].s();
  r.type = f["type"].s();
  r.state = f["state"].saga();
  r.steps = f["steps"].u<uint32_t>();
  r.steps_done = f["steps_done"].u<uint32_t>();
  r.compensations = f["compensations"].u<uint32_t>();
  r.start_unix_us = f["start_unix_us"].i();
  r.duration = std::chrono::microseconds{f["duration_us"].i()};
  r.recovered = f["recovered"].b();
  r.error = f["error"].s();
  return r;
}

active_tx read_active(const field& f) {
  active_tx a;
  a.id = f["id"].u();
  a.label = f["label"].s();
  a.attempt = f["attempt"].u<uint32_t>();
  a.age = std::chrono::milliseconds{f["age_ms"].i()};
  a.backend_pid = f["backend_pid"].i<int32_t>();
  a.statement = f["statement"].s();
  a.long_running = f["long_running"].b();
  return a;
}

// --- CSV ------------------------------------------------------------------------------------

const char* const crlf = "\r\n";  // RFC 4180 line ends

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void append_row(std::string& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    first = false;
    out += csv_field(f);
  }
  out += crlf;
}

// failed_sqlstates in one field: entries joined with ';'. An empty SQLSTATE (an error not
// from the server) is written "-", so that [""] and [] differ; '%', ';' and a lone '-' are
// %-escaped. Real SQLSTATEs (5 characters of [0-9A-Z]) are written as they are.
std::string encode_sqlstate(const std::string& s) {
  if (s.empty()) return "-";
  if (s == "-") return "%2D";
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == ';')
      out += "%3B";
    else
      out += c;
  }
  return out;
}

std::string join_sqlstates(const std::vector<std::string>& states) {
  std::string out;
  for (size_t i = 0; i < states.size(); ++i) {
    if (i > 0) out += ';';
    out += encode_sqlstate(states[i]);
  }
  return out;
}

/// Inverse of encode_sqlstate; false for an escape it does not write.
bool decode_sqlstate(const std::string& token, std::string& out) {
  out.clear();
  if (token == "-") return true;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '%') {
      out += token[i];
      continue;
    }
    const auto esc = token.substr(i, 3);
    if (esc == "%25")
      out += '%';
    else if (esc == "%3B")
      out += ';';
    else if (esc == "%2D")
      out += '-';
    else
      return false;
    i += 2;
  }
  return !out.empty();  // an empty entry is spelt "-"
}

/// A syntax error of the CSV text itself, before the field is known by name.
struct csv_syntax_error {
  size_t line;
  size_t field;  ///< 0-based index in the row
  std::string what;
};

struct csv_row {
  size_t line = 0;  ///< physical line the row starts on, 1-based
  std::vector<std::string> fields;
};

/// Reads RFC 4180 rows one at a time; accepts CRLF and LF line ends, and line breaks
/// inside quoted fields (counted, so that errors name the physical line).
class csv_reader {
 public:
  explicit csv_reader(const std::string& text) : text_(text) {}

  /// False at the end of the text. Blank lines are skipped.
  bool next(csv_row& row) {
    while (pos_ < text_.size()) {
      row.line = line_;
      row.fields.clear();
      read_row(row);
      if (row.fields.size() > 1 || !row.fields.front().empty()) return true;
    }
    return false;
  }

 private:
  void read_row(csv_row& row) {
    for (;;) {
      row.fields.push_back(read_field(row));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      end_of_row(row);
      return;
    }
  }

  std::string read_field(const csv_row& row) {
    return pos_ < text_.size() && text_[pos_] == '"' ? read_quoted(row) : read_plain(row);
  }

  std::string read_plain(const csv_row& row) {
    std::string out;
    while (pos_ < text_.size() && !is_delimiter(text_[pos_])) {
      if (text_[pos_] == '"') fail(row, "a quote inside an unquoted field");
      out += text_[pos_++];
    }
    return out;
  }

  std::string read_quoted(const csv_row& row) {
    std::string out;
    const size_t opened_on = line_;
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= text_.size()) fail(row, "unterminated quoted field", opened_on);
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          out += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      out += c;
    }
    if (pos_ < text_.size() && !is_delimiter(text_[pos_]))
      fail(row, "text after the closing quote");
    return out;
  }

  void end_of_row(const csv_row& row) {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r') {
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n')
        fail(row, "a carriage return outside quotes");
      ++pos_;
    }
    ++pos_;  // '\n'
    ++line_;
  }

  static bool is_delimiter(char c) noexcept { return c == ',' || c == '\r' || c == '\n'; }

  [[noreturn]] void fail(const csv_row& row, const std::string& what) const {
    fail(row, what, line_);
  }
  [[noreturn]] void fail(const csv_row& row, const std::string& what, size_t line) const {
    throw csv_syntax_error{line, row.fields.size(), what};
  }

  const std::string& text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

const std::vector<std::string> tx_columns{"id",
                                          "label",
                                          "isolation",
                                          "read_only",
                                          "start_unix_us",
                                          "duration_us",
                                          "duration_seconds",
                                          "attempts",
                                          "state",
                                          "failed_sqlstates",
                                          "savepoints",
                                          "rows",
                                          "deduplicated"};

/// A row's fields by column name, and errors that name the line and the column.
class csv_record {
 public:
  csv_record(const csv_row& row, const std::map<std::string, size_t>& columns)
      : row_(row), columns_(columns) {}

  [[noreturn]] void fail(const std::string& column, const std::string& what) const {
    throw std::invalid_argument("line " + std::to_string(row_.line) + ", column " + column + ": " +
                                what);
  }

  const std::string& text(const std::string& column) const {
    return row_.fields[columns_.at(column)];
  }

  template <class Int>
  Int integer(const std::string& column) const {
    Int out{};
    const auto& t = text(column);
    if (!parse_int(t, out)) fail(column, "not an integer in range: " + quoted(t));
    return out;
  }

  bool boolean(const std::string& column) const {
    const auto& t = text(column);
    if (t == "true") return true;
    if (t == "false") return false;
    fail(column, "expected true or false, found " + quoted(t));
  }

  isolation iso(const std::string& column) const {
    isolation out{};
    const auto& t = text(column);
    if (!parse_enum(t, all_isolations, iso_name, out))
      fail(column, "unknown isolation " + quoted(t));
    return out;
  }

  tx_state state(const std::string& column) const {
    tx_state out{};
    const auto& t = text(column);
    if (!parse_enum(
            t, all_tx_states, [](tx_state x) { return to_string(x); }, out))
      fail(column, "unknown state " + quoted(t));
    return out;
  }

  std::vector<std::string> sqlstates(const std::string& column) const {
    std::vector<std::string> out;
    const auto& t = text(column);
    if (t.empty()) return out;
    size_t from = 0;
    for (;;) {
      const size_t to = std::min(t.find(';', from), t.size());
      std::string entry;
      if (!decode_sqlstate(t.substr(from, to - from), entry))
        fail(column, "bad SQLSTATE entry " + quoted(t.substr(from, to - from)) +
                         " (an empty one is written \"-\")");
      out.push_back(std::move(entry));
      if (to == t.size()) return out;
      from = to + 1;
    }
  }

 private:
  const csv_row& row_;
  const std::map<std::string, size_t>& columns_;
};

/// Column name -> index from the header row; every column the records need must be there.
std::map<std::string, size_t> read_header(const csv_row& header) {
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    if (!columns.emplace(header.fields[i], i).second)
      throw std::invalid_argument("line " + std::to_string(header.line) + ": duplicate column " +
                                  quoted(header.fields[i]));
  }
  for (const auto& c : tx_columns) {
    // duration_seconds is derived from duration_us: a file without it still parses.
    if (c != "duration_seconds" && columns.count(c) == 0)
      throw std::invalid_argument("line " + std::to_string(header.line) + ": missing column " +
                                  quoted(c));
  }
  return columns;
}

tx_record read_tx_row(const csv_record& in) {
  tx_record r;
  r.id = in.integer<uint64_t>("id");
  r.label = in.text("label");
  r.iso = in.iso("isolation");
  r.read_only = in.boolean("read_only");
  r.start_unix_us = in.integer<int64_t>("start_unix_us");
  r.duration = std::chrono::microseconds{in.integer<int64_t>("duration_us")};
  r.attempts = in.integer<uint32_t>("attempts");
  r.state = in.state("state");
  r.failed_sqlstates = in.sqlstates("failed_sqlstates");
  r.savepoints = in.integer<uint32_t>("savepoints");
  r.rows = in.integer<uint64_t>("rows");
  r.deduplicated = in.boolean("deduplicated");
  return r;
}

std::string syntax_message(const csv_syntax_error& e, const std::vector<std::string>* header) {
  std::string where = "line " + std::to_string(e.line);
  if (header && e.field < header->size())
    where += ", column " + (*header)[e.field];
  else
    where += ", field " + std::to_string(e.field + 1);
  return where + ": " + e.what;
}

void append_aggregate_row(std::string& out, const std::string& label, const tx_aggregate& a) {
  using std::to_string;
  append_row(out, {label, to_string(a.started), to_string(a.finished()), to_string(a.committed),
                   to_string(a.rolled_back), to_string(a.failed), to_string(a.timed_out),
                   to_string(a.in_doubt), to_string(a.active), to_string(a.retries),
                   to_string(a.deadlocks), to_string(a.serialization_failures),
                   to_string(a.savepoints), to_string(a.rows), number_text(a.success_rate),
                   number_text(a.p50_seconds), number_text(a.p95_seconds),
                   number_text(a.p99_seconds), number_text(a.latency_sum_seconds)});
}

}  // namespace

std::string to_json(const metrics_report& r, int indent) {
  json doc;
  doc["snapshot"] = snapshot_json(r.snapshot);
  json txs = json::array();
  for (const auto& t : r.transactions) txs.push_back(tx_json(t));
  doc["transactions"] = std::move(txs);
  json sagas = json::array();
  for (const auto& s : r.sagas) sagas.push_back(saga_json(s));
  doc["sagas"] = std::move(sagas);
  json active = json::array();
  for (const auto& a : r.active) active.push_back(active_json(a));
  doc["active"] = std::move(active);
  // Labels and statements are not checked for UTF-8 upstream (pg_stat_activity truncates
  // them); replacing a bad byte with U+FFFD beats failing the whole report.
  return doc.dump(indent, ' ', false, json::error_handler_t::replace);
}

metrics_report report_from_json(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string{"not JSON: "} + e.what());
  }
  const field root{doc, ""};
  if (!doc.is_object()) throw std::invalid_argument("document: expected an object");
  metrics_report r;
  r.snapshot = read_snapshot(root["snapshot"]);
  root["transactions"].each([&](const field& f) { r.transactions.push_back(read_tx(f)); });
  root["sagas"].each([&](const field& f) { r.sagas.push_back(read_saga(f)); });
  root["active"].each([&](const field& f) { r.active.push_back(read_active(f)); });
  return r;
}

std::string transactions_csv(const std::vector<tx_record>& records) {
  std::string out;
  bool first = true;
  for (const auto& c : tx_columns) {
    if (!first) out += ',';
    first = false;
    out += c;
  }
  out += crlf;
  for (const auto& r : records) {
    using std::to_string;
    append_row(out,
               {to_string(r.id), r.label, iso_name(r.iso), r.read_only ? "true" : "false",
                to_string(r.start_unix_us), to_string(r.duration.count()),
                number_text(static_cast<double>(r.duration.count()) / 1e6), to_string(r.attempts),
                to_string(r.state), join_sqlstates(r.failed_sqlstates), to_string(r.savepoints),
                to_string(r.rows), r.deduplicated ? "true" : "false"});
  }
  return out;
}

std::vector<tx_record> transactions_from_csv(const std::string& csv) {
  csv_reader reader{csv};
  csv_row header;
  try {
    if (!reader.next(header)) throw std::invalid_argument("line 1: missing header row");
  } catch (const csv_syntax_error& e) {
    throw std::invalid_argument(syntax_message(e, nullptr));
  }
  const auto columns = read_header(header);
  std::vector<tx_record> out;
  csv_row row;
  for (;;) {
    try {
      if (!reader.next(row)) return out;
    } catch (const csv_syntax_error& e) {
      throw std::invalid_argument(syntax_message(e, &header.fields));
    }
    if (row.fields.size() != header.fields.size())
      throw std::invalid_argument("line " + std::to_string(row.line) + ": expected " +
                                  std::to_string(header.fields.size()) + " fields, found " +
                                  std::to_string(row.fields.size()));
    out.push_back(read_tx_row(csv_record{row, columns}));
  }
}

std::string aggregates_csv(const metrics_snapshot& s) {
  std::string out =
      "label,started,finished,committed,rolled_back,failed,timed_out,in_doubt,active,retries,"
      "deadlocks,serialization_failures,savepoints,rows,success_rate,p50_seconds,p95_seconds,"
      "p99_seconds,latency_sum_seconds";
  out += crlf;
  append_aggregate_row(out, "", s.overall);
  for (const auto& l : s.by_label) append_aggregate_row(out, l.label, l.agg);
  return out;
}

}  // namespace actortx
