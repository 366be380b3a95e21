# tests/config/boost_versions_test.cmake — the configure-time Boost version check
# (cmake/boost_versions.cmake) with fake versions, in CMake's script mode: a tested version
# passes silently, any other stops with an error that names it, the tested ones and the
# override, and THREADLAB_ALLOW_UNTESTED_BOOST=ON turns that error into a warning.
#
#   cmake -DMODULE=<repo>/cmake/boost_versions.cmake -P boost_versions_test.cmake
# runs every case below (the ctest config/boost-version-check, label config). Each case runs
# this same file again as a child, with CASE_VERSION, CASE_ONLY_HYBRID and CASE_ALLOW set, so
# that a FATAL_ERROR ends only the child and its exit status and message can be checked.
cmake_minimum_required(VERSION 3.25)

if(DEFINED CASE_VERSION)
  include(${MODULE})
  threadlab_check_boost_version("${CASE_VERSION}" "/opt/boost-fake" ${CASE_ONLY_HYBRID}
                                ${CASE_ALLOW})
  return()
endif()

set(failures 0)

# expect(<version> <only_hybrid> <allow> <exit: 0 or 1> [<text the output must hold>...])
# CMake wraps a message's lines, so the output is compared with runs of blanks made one space.
# (The texts hold no ';': it would split one into two list items.)
function(expect version only_hybrid allow exit)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DMODULE=${MODULE} -DCASE_VERSION=${version}
            -DCASE_ONLY_HYBRID=${only_hybrid} -DCASE_ALLOW=${allow} -P ${CMAKE_CURRENT_LIST_FILE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(REGEX REPLACE "[ \t\r\n]+" " " flat "${out}")
  set(what "Boost '${version}', only_hybrid=${only_hybrid}, allow_untested=${allow}")
  set(ok TRUE)
  if(NOT rc EQUAL exit)
    message("FAILED: ${what}: exit status ${rc}, expected ${exit}")
    set(ok FALSE)
  endif()
  if(exit EQUAL 0 AND ARGC EQUAL 4 AND NOT flat STREQUAL "" AND NOT flat STREQUAL " ")
    message("FAILED: ${what}: expected no output")
    set(ok FALSE)
  endif()
  foreach(wanted IN LISTS ARGN)
    string(FIND "${flat}" "${wanted}" at)
    if(at EQUAL -1)
      message("FAILED: ${what}: the output lacks \"${wanted}\"")
      set(ok FALSE)
    endif()
  endforeach()
  if(ok)
    message("ok: ${what}")
  else()
    message("--- its output:\n${out}---")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  endif()
endfunction()

# Tested versions pass silently; a patch release is the same version.
expect(1.74.0 OFF OFF 0)
expect(1.74.3 OFF OFF 0)
expect(1.74.0 ON OFF 0)
expect(1.81.0 ON OFF 0)

# 1.81 is tested for hybrid alone, not for the whole project.
expect(1.81.0 OFF OFF 1
       "CMake Error"
       "threadlab has not been tested with Boost 1.81.0 (found in /opt/boost-fake)."
       "Tested: Boost 1.74 (the whole project)" "1.81 (hybrid alone: THREADLAB_ONLY_HYBRID=ON,"
       "green_threads uses Boost.Fiber's internals"
       "-DTHREADLAB_ALLOW_UNTESTED_BOOST=ON to try this one anyway")

# An untested version stops the configure, hybrid alone or not.
expect(1.83.0 ON OFF 1
       "CMake Error"
       "threadlab has not been tested with Boost 1.83.0 (found in /opt/boost-fake)."
       "Tested: Boost 1.74 (the whole project)" "1.81 (hybrid alone"
       "(boost/context/detail/fcontext.hpp), which is not a public, stable API"
       "(hybrid/README.md, \"Boost versions\")"
       "-DTHREADLAB_ALLOW_UNTESTED_BOOST=ON to try this one anyway")
expect(1.73.0 OFF OFF 1 "threadlab has not been tested with Boost 1.73.0")
expect(1.7 OFF OFF 1 "threadlab has not been tested with Boost 1.7 ")
expect("" OFF OFF 1 "threadlab has not been tested with Boost (found in")

# The override: a warning with the same explanation, and the configure goes on.
expect(1.83.0 OFF ON 0
       "CMake Warning"
       "threadlab has not been tested with Boost 1.83.0"
       "THREADLAB_ALLOW_UNTESTED_BOOST is ON: going on with Boost 1.83.0.")

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} case(s) of the Boost version check failed")
endif()
