# Build-time step of actortx_embed_asset(): writes a C++ source defining
#   std::string_view actortx::asset::<SYMBOL>()
# that returns the bytes of IN (any size: a byte array, not a string literal).
# cmake -DIN=<file> -DOUT=<file.cpp> -DSYMBOL=<identifier> -P EmbedAsset.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
# 16 bytes to a line (CMake's regex has no {n}: 32 hex digits spelled out).
string(REGEX REPLACE "(................................)" "\\1;" hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REPLACE ";" "\n    " bytes "${bytes}")
get_filename_component(name "${IN}" NAME)
file(WRITE "${OUT}.tmp"
"// Generated from ${name} by EmbedAsset.cmake at build time. Do not edit.
#include <string_view>

namespace actortx::asset {

std::string_view ${SYMBOL}() {
  static constexpr char bytes[] = {
    ${bytes}'\\0'};
  return {bytes, ${size}};
}

}  // namespace actortx::asset
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
