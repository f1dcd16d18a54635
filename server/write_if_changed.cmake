# wreg_write_if_changed(FILE TEXT): writes TEXT to FILE only when it differs, so that a generated
# source whose inputs did not change keeps its time stamp and does not recompile. For the build-time
# scripts that embed files as C++ (server/store/embed_migrations.cmake, server/web/embed_assets.cmake).
function(wreg_write_if_changed file text)
  if(EXISTS "${file}")
    file(READ "${file}" old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${text}")
endfunction()
