// W3C Trace Context (https://www.w3.org/TR/trace-context/) for tx_options::correlation_id:
// one request followed through retries, saga steps, nodes, logs and the server.
#pragma once

#include <string>
#include <string_view>

namespace actortx {

/// A new traceparent "00-<32 hex trace id>-<16 hex parent id>-01" from a random source;
/// never an all-zero id.
std::string new_traceparent();

/// True for a well-formed traceparent of version 00: lower-case hex, the right lengths, ids
/// not all zero.
bool valid_traceparent(std::string_view traceparent) noexcept;

/// What is wrong with `traceparent` as version 00 (e.g. "its trace id must not be all zeros"),
/// or "" when it is valid. Never quotes the input.
std::string traceparent_problem(std::string_view traceparent);

/// The 32 hex digits of its trace id; "" when `traceparent` is not valid.
std::string trace_id_of(std::string_view traceparent);

/// A child of `parent` (same trace id and flags, a new parent id): what a saga gives each
/// step and a node passes on. A new traceparent when `parent` is not valid.
std::string child_traceparent(std::string_view parent);

/// A traceparent of trace `trace_id` (32 hex digits) with a new parent id, flags 01: what a
/// saga recovered from its log, which keeps only the trace id, goes on with. A new traceparent
/// when `trace_id` is not a valid one.
std::string traceparent_of_trace(std::string_view trace_id);

}  // namespace actortx
