# Writes a C++ file that holds every file of server/web/templates/ as a string (server/web/assets.h).
# Run at build time:
#   cmake -DOUTPUT=<file.cpp> -DASSET_FILES=<a.html;b.css> -P embed_assets.cmake
set(entries "")
foreach(file IN LISTS ASSET_FILES)
  get_filename_component(name "${file}" NAME)
  if(NOT name MATCHES "^[a-z0-9_]+\\.(html|css|js|svg)$")
    message(FATAL_ERROR "web asset ${name} is not named like page.html, style.css, script.js or icon.svg")
  endif()
  file(READ "${file}" text)
  string(FIND "${text}" ")wreg_web\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "web asset ${name} contains the raw-string delimiter )wreg_web\"")
  endif()
  string(APPEND entries "    {\"${name}\", R\"wreg_web(${text})wreg_web\"},\n")
endforeach()
set(text "// Generated from server/web/templates/ by server/web/embed_assets.cmake. Do not edit.
#include \"server/web/assets.h\"

namespace wreg::web {
namespace {
constexpr WebAsset kAssets[] = {
${entries}};
}  // namespace

std::span<const WebAsset> embedded_web_assets() { return kAssets; }

}  // namespace wreg::web
")
include("${CMAKE_CURRENT_LIST_DIR}/../write_if_changed.cmake")
wreg_write_if_changed("${OUTPUT}" "${text}")
