// The dashboard token check: Bearer header or ?token=, compared whole, kept from the routes.
#include "runtime/observability/http_auth.hpp"

#include <catch2/catch.hpp>

using namespace actortx;

namespace {
constexpr const char* token = "s3cret-token-0123456789";
}

TEST_CASE("a token is taken from a Bearer header, whatever the scheme's case", "[unit]") {
  CHECK(request_carries_token(token, "Bearer s3cret-token-0123456789", ""));
  CHECK(request_carries_token(token, "bearer s3cret-token-0123456789", ""));
  CHECK(request_carries_token(token, "Bearer   s3cret-token-0123456789 ", ""));
  CHECK_FALSE(request_carries_token(token, "Basic s3cret-token-0123456789", ""));
  CHECK_FALSE(request_carries_token(token, "Bearer s3cret-token-012345678", ""));
  CHECK_FALSE(request_carries_token(token, "Bearer s3cret-token-01234567890", ""));
  CHECK_FALSE(request_carries_token(token, "", ""));
}

TEST_CASE("a token is taken from the query, URL-decoded, among other parameters", "[unit]") {
  CHECK(request_carries_token(token, "", "token=s3cret-token-0123456789"));
  CHECK(request_carries_token(token, "", "state=FAILED&token=s3cret%2Dtoken-0123456789&limit=5"));
  CHECK(request_carries_token(token, "Bearer wrong", "token=s3cret-token-0123456789"));
  CHECK_FALSE(request_carries_token(token, "", "xtoken=s3cret-token-0123456789"));
  CHECK_FALSE(request_carries_token(token, "", "token="));
  CHECK_FALSE(request_carries_token(token, "", "token"));
  CHECK(request_carries_token("a+b%c d", "", "token=a%2Bb%25c+d"));
}

TEST_CASE("an empty expected token matches nothing, not even an empty one", "[unit]") {
  CHECK_FALSE(same_secret("", ""));
  CHECK_FALSE(request_carries_token("", "Bearer ", "token="));
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("abc", "ab"));
  CHECK_FALSE(same_secret("abc", "abcd"));
}

TEST_CASE("the routes get the query without the token", "[unit]") {
  CHECK(query_without_token("token=x") == "");
  CHECK(query_without_token("state=FAILED&token=x&limit=5") == "state=FAILED&limit=5");
  CHECK(query_without_token("token=x&type=a%26b") == "type=a%26b");
  CHECK(query_without_token("tokens=1&token") == "tokens=1");
  CHECK(query_without_token("") == "");
}

TEST_CASE("url_decoded reads %XX and '+', and keeps a malformed escape", "[unit]") {
  CHECK(url_decoded("a%20b+c") == "a b c");
  CHECK(url_decoded("%zz%4") == "%zz%4");
  CHECK(url_decoded("%41%6a") == "Aj");
}
