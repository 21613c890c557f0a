// The SQL migrations compiled into the library by schema.cmake (actortx_embed_asset): one
// function per file, defined in a source generated at build time.
#pragma once

#include <string_view>

namespace actortx::asset {

/// migrations/001_initial.sql
std::string_view schema_001_initial();
/// migrations/002_saga_operations.sql
std::string_view schema_002_saga_operations();
/// migrations/003_retention.sql
std::string_view schema_003_retention();
/// migrations/004_saga_trace.sql
std::string_view schema_004_saga_trace();

}  // namespace actortx::asset
