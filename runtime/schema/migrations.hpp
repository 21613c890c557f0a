// The migrations of actortx's own tables this binary knows, in the order they apply.
#pragma once

#include <string_view>
#include <vector>

namespace actortx {

/// One forward migration: the SQL that takes the schema from version - 1 to version. The SQL
/// has no transaction control: the runner wraps it in a transaction with its version row.
struct schema_migration {
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

/// Every migration, by version: 1, 2, ... without gaps.
const std::vector<schema_migration>& schema_migrations();

/// The newest version this binary knows (the last migration's).
int latest_schema_version();

}  // namespace actortx
