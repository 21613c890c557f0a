# The HTML run report's style and chart script, compiled into actortx_tooling (included by the
# top-level CMakeLists.txt right after that target is defined). An edit of either file
# rebuilds only its generated source.
actortx_embed_asset(actortx_tooling html_report_css ${CMAKE_CURRENT_LIST_DIR}/assets/html_report.css)
actortx_embed_asset(actortx_tooling html_report_charts_js
  ${CMAKE_CURRENT_LIST_DIR}/assets/html_report_charts.js)
