// The room's asset files, embedded at build time by observability.cmake
// (actortx_embed_asset generates the definitions).
#pragma once

#include <string_view>

namespace actortx::asset {

/// assets/dashboard.html: the page, with {{dashboard.css}}, {{dashboard.js}} and {{sagas.js}}
/// where the style and the scripts go.
std::string_view dashboard_html();
std::string_view dashboard_css();  ///< assets/dashboard.css
std::string_view dashboard_js();   ///< assets/dashboard.js
std::string_view sagas_js();       ///< assets/sagas.js: the saga list and saga detail views

}  // namespace actortx::asset
