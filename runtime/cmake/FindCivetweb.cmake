# Finds civetweb (Debian's libcivetweb-dev) and defines Civetweb::civetweb.
# Debian's own civetweb-config.cmake cannot be used: it checks for /usr/bin/civetweb, which
# the -dev package does not ship, and fails with a fatal error.
include(FindPackageHandleStandardArgs)
find_path(Civetweb_INCLUDE_DIR civetweb.h)
find_library(Civetweb_LIBRARY civetweb)
find_package_handle_standard_args(Civetweb
  REQUIRED_VARS Civetweb_LIBRARY Civetweb_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "civetweb not found: apt-get install libcivetweb-dev")
if(Civetweb_FOUND AND NOT TARGET Civetweb::civetweb)
  add_library(Civetweb::civetweb UNKNOWN IMPORTED)
  set_target_properties(Civetweb::civetweb PROPERTIES
    IMPORTED_LOCATION "${Civetweb_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Civetweb_INCLUDE_DIR}")
endif()
