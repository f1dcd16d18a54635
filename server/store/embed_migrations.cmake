# Writes a C++ file that holds every schema/NNNN_name.sql as a string (server/store/migrations.h).
# Run at build time:
#   cmake -DOUTPUT=<file.cpp> -DFUNCTION=<name> -DSQL_FILES=<a.sql;b.sql> -P embed_migrations.cmake
# FUNCTION is the function of migrations.h that returns them (one per engine).
set(entries "")
foreach(file IN LISTS SQL_FILES)
  get_filename_component(name "${file}" NAME)
  if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "migration ${name} is not named NNNN_name.sql")
  endif()
  math(EXPR number "${CMAKE_MATCH_1}")
  file(READ "${file}" sql)
  string(FIND "${sql}" ")wreg_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration ${name} contains the raw-string delimiter )wreg_sql\"")
  endif()
  string(APPEND entries "    {${number}, \"${name}\", R\"wreg_sql(${sql})wreg_sql\"},\n")
endforeach()
set(text "// Generated from schema/ by server/store/embed_migrations.cmake. Do not edit.
#include \"server/store/migrations.h\"

namespace wreg::store {
namespace {
constexpr Migration kMigrations[] = {
${entries}};
}  // namespace

std::span<const Migration> ${FUNCTION}() { return kMigrations; }

}  // namespace wreg::store
")
include("${CMAKE_CURRENT_LIST_DIR}/../write_if_changed.cmake")
wreg_write_if_changed("${OUTPUT}" "${text}")
