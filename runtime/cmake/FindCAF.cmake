# Finds CAF 0.17 (Debian's libcaf-dev ships no CMake package config).
# Defines CAF::core, CAF::io and CAF::openssl (TLS between nodes).
include(FindPackageHandleStandardArgs)
find_package(Threads REQUIRED)
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
find_library(CAF_OPENSSL_LIBRARY caf_openssl)
find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY CAF_OPENSSL_LIBRARY
  REASON_FAILURE_MESSAGE "CAF 0.17 not found: apt-get install libcaf-dev")
if(CAF_FOUND AND NOT TARGET CAF::core)
  add_library(CAF::core INTERFACE IMPORTED)
  set_target_properties(CAF::core PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CAF_CORE_LIBRARY};Threads::Threads")
  add_library(CAF::io INTERFACE IMPORTED)
  set_target_properties(CAF::io PROPERTIES INTERFACE_LINK_LIBRARIES "${CAF_IO_LIBRARY};CAF::core")
  if(CAF_OPENSSL_LIBRARY)
    add_library(CAF::openssl INTERFACE IMPORTED)
    set_target_properties(CAF::openssl PROPERTIES
      INTERFACE_LINK_LIBRARIES "${CAF_OPENSSL_LIBRARY};CAF::io")
  endif()
endif()
