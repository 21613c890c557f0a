# actortx's own tables as numbered SQL migrations, compiled into the library (migrations.cpp
# lists them in order; migrate.cpp applies them at start). A new migration: add
# migrations/NNN_name.sql, embed it here as schema_NNN_name, list it in migrations.cpp.
actortx_embed_asset(actortx schema_001_initial ${CMAKE_CURRENT_LIST_DIR}/migrations/001_initial.sql)
actortx_embed_asset(actortx schema_002_saga_operations ${CMAKE_CURRENT_LIST_DIR}/migrations/002_saga_operations.sql)
actortx_embed_asset(actortx schema_003_retention ${CMAKE_CURRENT_LIST_DIR}/migrations/003_retention.sql)
actortx_embed_asset(actortx schema_004_saga_trace ${CMAKE_CURRENT_LIST_DIR}/migrations/004_saga_trace.sql)
