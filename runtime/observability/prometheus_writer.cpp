#include "runtime/observability/prometheus_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace actortx {

namespace {

constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF), 0 when it is not one.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

void append_escaped(std::string& out, std::string_view value) {
  for (size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const size_t n = utf8_sequence(value, i);
      if (n == 0) {
        out += replacement_char;
        ++i;
      } else {
        out.append(value, i, n);
        i += n;
      }
      continue;
    }
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
    ++i;
  }
}

void append_labels(std::string& out, prometheus_labels labels, bool comma_first) {
  for (const auto& [key, value] : labels) {
    if (comma_first) out += ',';
    comma_first = true;
    out += key;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
  }
}

void append_uint(std::string& out, uint64_t value) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  (void)ec;  // 24 chars hold any uint64_t
  out.append(buf.data(), end);
}

}  // namespace

std::string prometheus_escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  append_escaped(out, value);
  return out;
}

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Plain notation for the usual magnitudes ("0.0005" rather than "5e-04": bucket bounds are
  // read by people), the shortest form otherwise; both read back as the same double.
  double magnitude = std::fabs(value);
  auto format = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15)
                    ? std::chars_format::fixed
                    : std::chars_format::general;
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, format);
  if (ec != std::errc{}) return "NaN";  // cannot happen: 64 chars hold either form
  return std::string(buf.data(), end);
}

prometheus_bounds make_prometheus_bounds(const double* bounds, size_t count) {
  prometheus_bounds b;
  b.le.reserve(count + 1);
  for (size_t i = 0; i < count; ++i) b.le.push_back(prometheus_number(bounds[i]));
  b.le.emplace_back("+Inf");
  return b;
}

void prometheus_writer::family(std::string_view name, std::string_view type,
                               std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;  // constant texts without backslashes or newlines: nothing to escape
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void prometheus_writer::identity(prometheus_labels labels) {
  identity_.clear();
  append_labels(identity_, labels, false);
}

bool prometheus_writer::open_sample(std::string_view name, std::string_view suffix,
                                    prometheus_labels labels) {
  out_ += name;
  out_ += suffix;
  if (identity_.empty() && labels.size() == 0) return false;
  out_ += '{';
  out_ += identity_;
  append_labels(out_, labels, !identity_.empty());
  return true;
}

void prometheus_writer::sample(std::string_view name, prometheus_labels labels, uint64_t value) {
  out_ += open_sample(name, {}, labels) ? "} " : " ";
  append_uint(out_, value);
  out_ += '\n';
}

void prometheus_writer::sample(std::string_view name, prometheus_labels labels, double value) {
  out_ += open_sample(name, {}, labels) ? "} " : " ";
  out_ += prometheus_number(value);
  out_ += '\n';
}

void prometheus_writer::histogram(std::string_view name, prometheus_labels labels,
                                  const prometheus_bounds& bounds,
                                  const std::vector<uint64_t>& buckets, double sum) {
  // The bucket lines differ only in `le` and the count: render their common start once.
  std::string start{name};
  start += "_bucket{";
  start += identity_;
  append_labels(start, labels, !identity_.empty());
  if (!identity_.empty() || labels.size() > 0) start += ',';
  start += "le=\"";

  uint64_t cumulative = 0;
  const size_t last = bounds.le.size() - 1;  // +Inf
  for (size_t i = 0; i <= last; ++i) {
    if (i < last) {
      cumulative += i < buckets.size() ? buckets[i] : 0;
    } else {
      for (size_t k = last; k < buckets.size(); ++k) cumulative += buckets[k];
    }
    out_ += start;
    out_ += bounds.le[i];
    out_ += "\"} ";
    append_uint(out_, cumulative);
    out_ += '\n';
  }
  out_ += open_sample(name, "_sum", labels) ? "} " : " ";
  out_ += prometheus_number(sum);
  out_ += '\n';
  out_ += open_sample(name, "_count", labels) ? "} " : " ";
  append_uint(out_, cumulative);
  out_ += '\n';
}

}  // namespace actortx
