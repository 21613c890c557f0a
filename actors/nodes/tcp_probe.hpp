// A bounded TCP connect: whether a peer completes a handshake within a time limit. CAF 0.17's
// middleman connects with a blocking connect() in its one actor, so a peer that black-holes
// SYNs would hold it (and every other connect) for the kernel's ~2 minutes of retries; the
// node directory probes first and hands only a peer that answered to CAF.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace actortx {

/// Opens a non-blocking TCP connection to `host`:`port`, waits at most `timeout` for it to
/// complete (trying each address `host` resolves to in turn) and closes it again. Returns ""
/// when it completed, else why not ("Connection refused", "no TCP connection within 500 ms
/// ..."). Resolving a host name is bounded by the resolver's own timeouts, not `timeout`.
std::string probe_tcp(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

}  // namespace actortx
