#include <catch2/catch.hpp>

int readme_snippet_count();

TEST_CASE("the README's Using the library snippets compile", "[unit]") {
  // They are compiled into this binary (extract_snippets.cpp): a snippet that stopped compiling
  // fails the build. Losing the markers must not pass silently either.
  CHECK(readme_snippet_count() >= 12);
}
