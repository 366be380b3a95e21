# FindAsio.cmake — standalone Asio (Debian's libasio-dev: header-only, namespace ::asio, no
# Boost), which ships no CMake package of its own. Defines the imported target Asio::asio (its
# include folder as a system one, ASIO_NO_DEPRECATED, and the threads it needs), Asio_FOUND and
# Asio_VERSION (from asio/version.hpp). Used by the top CMakeLists.txt for the `asio_coro` model
# (bench/models/asio_coro.hpp), and by the installed threadlabConfig.cmake (threadlab::bench's users
# compile that header too), so both find it the same way.
find_path(Asio_INCLUDE_DIR NAMES asio.hpp asio/version.hpp)
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  # "#define ASIO_VERSION 102201 // 1.22.1": major * 100000 + minor * 100 + patch.
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" _asio_version_line
       REGEX "^#define ASIO_VERSION [0-9]+")
  string(REGEX REPLACE "^#define ASIO_VERSION ([0-9]+).*" "\\1" _asio_version "${_asio_version_line}")
  math(EXPR _asio_major "${_asio_version} / 100000")
  math(EXPR _asio_minor "${_asio_version} / 100 % 1000")
  math(EXPR _asio_patch "${_asio_version} % 100")
  set(Asio_VERSION "${_asio_major}.${_asio_minor}.${_asio_patch}")
  unset(_asio_version_line)
  unset(_asio_version)
  unset(_asio_major)
  unset(_asio_minor)
  unset(_asio_patch)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Asio REQUIRED_VARS Asio_INCLUDE_DIR VERSION_VAR Asio_VERSION
  REASON_FAILURE_MESSAGE
    "standalone Asio's header asio.hpp was not found: install Debian's libasio-dev (scripts/deps.sh does), or set Asio_INCLUDE_DIR to the folder holding asio.hpp")
if(Asio_FOUND AND NOT TARGET Asio::asio)
  find_package(Threads REQUIRED)
  add_library(Asio::asio INTERFACE IMPORTED)
  set_target_properties(Asio::asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Asio_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS ASIO_NO_DEPRECATED
    INTERFACE_LINK_LIBRARIES Threads::Threads
    # GCC 12 reports a false -Wmismatched-new-delete where it inlines an asio::awaitable's frame
    # allocation and release into a coroutine (with the asan preset's flags): Asio's frame
    # operator new takes a block from its per-thread cache or aligned_alloc, and its operator
    # delete gives it back to the cache or to free, which GCC cannot pair.
    INTERFACE_COMPILE_OPTIONS "$<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>")
endif()
mark_as_advanced(Asio_INCLUDE_DIR)
