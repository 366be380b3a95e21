# cmake/install.cmake — what `cmake --install` puts under a prefix, so that a project outside this
# repository builds against threadlab with find_package(threadlab) (examples/out_of_tree_model):
#
#   <prefix>/lib/                          the static libraries of the targets below
#   <prefix>/include/threadlab/            the headers, at the paths the sources include them by
#                                          ("bench/model.hpp", "hybrid/thread.hpp"): the modules'
#                                          public headers and every header of bench/
#   <prefix>/bin/                          threadlab and threadlab-echo-client (the echo load
#                                          generator, found beside the running program)
#   <prefix>/share/threadlab/conformance/  the conformance suite's sources (tests/conformance/)
#   <prefix>/lib/cmake/threadlab/          threadlabConfig.cmake, its version file, the exported
#                                          targets, Findliburing.cmake, FindAsio.cmake,
#                                          threadlabConformance.cmake
#
# Exported targets: threadlab::kernel_threads, threadlab::green_threads, threadlab::hybrid,
# threadlab::coroutines (the modules); threadlab::harness (the harness without any model);
# threadlab::bench (the harness, the modules and the built-in catalogue: what a program with
# models of its own links, bench/extend.hpp). The installed tree is relocatable: the config
# finds the prefix from its own folder. Install a build without sanitizers: their flags do not
# travel with the targets.
include(CMakePackageConfigHelpers)

set(THREADLAB_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/threadlab)
set(THREADLAB_CONFORMANCE_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/threadlab/conformance)

# The trace hooks' setting travels with the modules: a user's translation unit must see the value
# the libraries were built with (in the build tree, add_compile_definitions gives it to all).
foreach(module kernel_threads green_threads hybrid coroutines)
  target_compile_definitions(${module} INTERFACE
    $<INSTALL_INTERFACE:THREADLAB_TRACE_HOOKS=$<BOOL:${THREADLAB_TRACE_HOOKS}>>)
endforeach()

install(TARGETS kernel_threads green_threads hybrid coroutines threadlab_harness threadlab_bench
        EXPORT threadlabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS threadlab threadlab-echo-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(module kernel_threads green_threads hybrid coroutines)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${module}/include/${module}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/threadlab)
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bench/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/threadlab/bench
        FILES_MATCHING PATTERN "*.hpp" PATTERN clients EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/conformance/
        DESTINATION ${THREADLAB_CONFORMANCE_INSTALL_DIR}
        FILES_MATCHING PATTERN "*.cpp" PATTERN "*.hpp")

install(EXPORT threadlabTargets NAMESPACE threadlab:: DESTINATION ${THREADLAB_CMAKE_INSTALL_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/threadlabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/threadlabConfig.cmake
  INSTALL_DESTINATION ${THREADLAB_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR THREADLAB_CONFORMANCE_INSTALL_DIR)
# 0.x: a minor version may break the contract, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/threadlabConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/threadlabConfig.cmake
              ${PROJECT_BINARY_DIR}/threadlabConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/Findliburing.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake
              ${PROJECT_SOURCE_DIR}/cmake/threadlabConformance.cmake
        DESTINATION ${THREADLAB_CMAKE_INSTALL_DIR})
