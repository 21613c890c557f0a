// The dashboard's token check: a request carries the configured token in
// "Authorization: Bearer <token>" or in the query (?token=<token>, URL-encoded), compared in
// constant time; the routes never see it.
#pragma once

#include <string>
#include <string_view>

namespace actortx {

/// Compares a secret without an early exit: the time depends on the length of `given` only
/// (which the sender knows anyway), never on how much of it matches `expected`.
bool same_secret(std::string_view expected, std::string_view given) noexcept;

/// Whether a request with this Authorization header (empty when absent) and raw query string
/// (without '?', may be empty) carries `token`. A non-Bearer Authorization header does not
/// count, the query may still carry it.
bool request_carries_token(std::string_view token, std::string_view authorization,
                           std::string_view query);

/// `query` without its token=... parameters, for routes that read the query themselves.
std::string query_without_token(std::string_view query);

/// %XX decoded and '+' as a blank, as browsers encode query values (URLSearchParams). A
/// malformed escape stays as it is.
std::string url_decoded(std::string_view text);

}  // namespace actortx
