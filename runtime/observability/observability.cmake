# The observability room's assets, compiled into libactortx (included by the top-level
# CMakeLists.txt once the actortx target exists). The dashboard page is one HTML file with its
# style and script inlined at run time (dashboard_page.cpp); each file is an asset of its own,
# so that an editor sees HTML, CSS and JavaScript, and an edit rebuilds only its generated source.
set(_obs_assets ${CMAKE_CURRENT_LIST_DIR}/assets)
actortx_embed_asset(actortx dashboard_html ${_obs_assets}/dashboard.html)
actortx_embed_asset(actortx dashboard_css ${_obs_assets}/dashboard.css)
actortx_embed_asset(actortx dashboard_js ${_obs_assets}/dashboard.js)
actortx_embed_asset(actortx sagas_js ${_obs_assets}/sagas.js)
unset(_obs_assets)

# actortx_build_info{version} reads the project's version (CMakeLists.txt's project()).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/prometheus_build_info.cpp PROPERTIES
  COMPILE_DEFINITIONS "ACTORTX_VERSION=\"${PROJECT_VERSION}\"")
