# Findliburing.cmake — io_uring's user-space library (Debian's liburing-dev), which ships no CMake
# package of its own. Defines the imported target liburing::liburing and liburing_FOUND.
# Used by hybrid/CMakeLists.txt when building, and by the installed threadlabConfig.cmake (the
# hybrid library's users link it too), so both find it the same way.
find_path(liburing_INCLUDE_DIR NAMES liburing.h)
find_library(liburing_LIBRARY NAMES uring)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(liburing REQUIRED_VARS liburing_LIBRARY liburing_INCLUDE_DIR)
if(liburing_FOUND AND NOT TARGET liburing::liburing)
  add_library(liburing::liburing UNKNOWN IMPORTED)
  set_target_properties(liburing::liburing PROPERTIES
    IMPORTED_LOCATION "${liburing_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${liburing_INCLUDE_DIR}")
endif()
mark_as_advanced(liburing_INCLUDE_DIR liburing_LIBRARY)
