// What the README's checked snippets may use without declaring it (extract_snippets.cpp): the
// whole public API, and the names a snippet's surrounding text speaks of. Compiled, not run:
// every feature a snippet shows is run against PostgreSQL by the pg tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <caf/all.hpp>

#include <actortx/actortx.hpp>
#include <actortx/rows.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

using namespace std::chrono_literals;

namespace readme_prelude {

inline int64_t amount = 25;
inline int from = 1;
inline int to = 2;
inline actortx::tx_options opts;
/// The actor of the "From an actor" snippets.
inline caf::event_based_actor* self = nullptr;

}  // namespace readme_prelude

int readme_snippet_count();
