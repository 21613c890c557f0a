#include "runtime/schema/migrations.hpp"

#include "runtime/schema/schema_assets.hpp"

namespace actortx {

const std::vector<schema_migration>& schema_migrations() {
  // Append only: a released migration is never edited, a change is a new one.
  static const std::vector<schema_migration> all{
      {1, "initial", asset::schema_001_initial()},
      {2, "saga_operations", asset::schema_002_saga_operations()},
      {3, "retention", asset::schema_003_retention()},
      {4, "saga_trace", asset::schema_004_saga_trace()},
  };
  return all;
}

int latest_schema_version() {
  return schema_migrations().back().version;
}

}  // namespace actortx
