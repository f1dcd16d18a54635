# Installs wreg-server's unit and example configuration (deploy/CMakeLists.txt runs it at install
# time, with WREG_DEPLOY_DIR and WREG_STAGING_DIR set). Their places follow the prefix of this
# installation, which CPack sets to /usr and `cmake --install --prefix` to anything: under /usr
# they go where Debian 12 puts packaged units and configuration (/lib/systemd/system, /etc/wreg),
# elsewhere under the prefix (/usr/local/lib/systemd/system, /usr/local/etc/wreg). The unit then
# names the binary and the configuration where they are.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(unit_dir "/lib/systemd/system")
  set(config_dir "/etc/wreg")
else()
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  set(config_dir "${CMAKE_INSTALL_PREFIX}/etc/wreg")
endif()
file(READ "${WREG_DEPLOY_DIR}/wreg-server.service" unit)
string(REPLACE "/usr/bin/wreg-server" "${CMAKE_INSTALL_PREFIX}/bin/wreg-server" unit "${unit}")
string(REPLACE "/etc/wreg/" "${config_dir}/" unit "${unit}")
file(WRITE "${WREG_STAGING_DIR}/wreg-server.service" "${unit}")
file(INSTALL "${WREG_STAGING_DIR}/wreg-server.service" DESTINATION "${unit_dir}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${WREG_DEPLOY_DIR}/wreg-server.toml" DESTINATION "${config_dir}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
