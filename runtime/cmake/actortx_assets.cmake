# Asset files (SQL migrations, the dashboard's HTML/JS) compiled into a target, so the library
# needs no files at run time and an edit of the asset rebuilds only its generated source.
# actortx_embed_asset(<target> <symbol> <file>) defines std::string_view actortx::asset::<symbol>();
# declare it where it is used (e.g. in the room's own assets header).
function(actortx_embed_asset target symbol file)
  get_filename_component(in "${file}" ABSOLUTE)
  set(out "${CMAKE_BINARY_DIR}/generated/assets/${symbol}.cpp")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${in} -DOUT=${out} -DSYMBOL=${symbol}
      -P ${PROJECT_SOURCE_DIR}/runtime/cmake/EmbedAsset.cmake
    DEPENDS "${in}" ${PROJECT_SOURCE_DIR}/runtime/cmake/EmbedAsset.cmake
    COMMENT "Embedding ${file}" VERBATIM)
  target_sources(${target} PRIVATE "${out}")
  set_source_files_properties("${out}" PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()
