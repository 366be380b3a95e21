# threadlabConformance.cmake — threadlab_add_conformance_tests: the conformance suite that every
# built-in model passes (tests/conformance/), compiled for models of a project of its own.
# Included by the installed threadlabConfig.cmake.
#
#   threadlab_add_conformance_tests(<target>
#     HEADER <header>        the header declaring the models, as an #include names it
#     MODELS <type>...       the models' types (e.g. example::async_model), each satisfying
#                            threadlab::model (bench/model.hpp)
#     [LIBRARIES <lib>...])  what the header needs: its include folder, the libraries it uses
#
# adds the executable <target>: doctest's runner over every conformance test, instantiated for
# each of MODELS and run at 1, 2 and 4 workers, the same tests under the same names as in the
# repository. It exits 0 when every test passes; a test that needs a capability a model lacks
# is skipped with a message. Run it, or register it with add_test or doctest_discover_tests.
# Needs doctest (Debian's doctest-dev).
function(threadlab_add_conformance_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "HEADER" "MODELS;LIBRARIES")
  if(NOT arg_HEADER OR NOT arg_MODELS)
    message(FATAL_ERROR "threadlab_add_conformance_tests(${target}): HEADER and MODELS are required")
  endif()
  if(NOT TARGET doctest::doctest)
    find_package(doctest REQUIRED)
  endif()
  file(GLOB sources ${threadlab_CONFORMANCE_DIR}/*.cpp)
  add_executable(${target} ${sources})
  list(JOIN arg_MODELS "," models)
  # Read by models_under_test.hpp.
  target_compile_definitions(${target} PRIVATE
    "THREADLAB_CONFORMANCE_HEADER=\"${arg_HEADER}\"" "THREADLAB_CONFORMANCE_MODELS=${models}")
  target_link_libraries(${target} PRIVATE threadlab::harness doctest::doctest ${arg_LIBRARIES})
endfunction()
