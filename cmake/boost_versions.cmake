# cmake/boost_versions.cmake — the Boost versions threadlab is tested with, and the configure-time
# check that refuses any other (the top-level CMakeLists.txt calls it after find_package(Boost)).
#
# Why refuse: hybrid switches stacks with Boost.Context's fcontext functions
# (boost/context/detail/fcontext.hpp) and green_threads reaches into Boost.Fiber's internals
# (fiber contexts' wait queue, boost/fiber/detail/spinlock.hpp). Neither is a public,
# stable API: either may change in any Boost release, and a change may compile and still be
# wrong. hybrid/README.md ("Boost versions") says more.
#
# Which versions, and where each is tested (major.minor: Debian's patch releases are the same):
#   THREADLAB_TESTED_BOOST_VERSIONS         the whole project: scripts/test.sh, in CI.
#   THREADLAB_TESTED_BOOST_VERSIONS_HYBRID  hybrid alone (THREADLAB_ONLY_HYBRID=ON): the above,
#                                           plus scripts/boost_check.sh's builds, in CI.
# A version joins a list only with the CI job that tests it.
#
# THREADLAB_ALLOW_UNTESTED_BOOST=ON turns the error into a warning, for whoever wants to try.
# tests/config/boost_versions_test.cmake checks the messages and the override (ctest -L config).
set(THREADLAB_TESTED_BOOST_VERSIONS 1.74)
set(THREADLAB_TESTED_BOOST_VERSIONS_HYBRID 1.74 1.81)

# threadlab_check_boost_version(<version> <where> <only_hybrid> <allow_untested>)
#   version: the Boost found ("1.81.0"); where: the folder it was found in, for the message;
#   only_hybrid: whether only hybrid is built; allow_untested: warn instead of failing.
# Succeeds silently for a tested version; otherwise stops the configure with FATAL_ERROR (or
# warns), naming the version found, the tested ones, why, and how to override.
function(threadlab_check_boost_version version where only_hybrid allow_untested)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" major_minor "${version}")
  if(only_hybrid)
    set(tested ${THREADLAB_TESTED_BOOST_VERSIONS_HYBRID})
  else()
    set(tested ${THREADLAB_TESTED_BOOST_VERSIONS})
  endif()
  if(major_minor AND major_minor IN_LIST tested)
    return()
  endif()

  list(JOIN THREADLAB_TESTED_BOOST_VERSIONS ", " all_list)
  set(hybrid_only ${THREADLAB_TESTED_BOOST_VERSIONS_HYBRID})
  list(REMOVE_ITEM hybrid_only ${THREADLAB_TESTED_BOOST_VERSIONS})
  list(JOIN hybrid_only ", " hybrid_list)
  set(tested_text "Boost ${all_list} (the whole project)")
  if(hybrid_list)
    string(APPEND tested_text "; ${hybrid_list} (hybrid alone: THREADLAB_ONLY_HYBRID=ON, "
                              "as scripts/boost_check.sh builds it)")
  endif()
  string(CONCAT text
         "threadlab has not been tested with Boost ${version} (found in ${where}).\n"
         "Tested: ${tested_text}.\n"
         "hybrid switches stacks with Boost.Context's fcontext functions "
         "(boost/context/detail/fcontext.hpp)")
  if(only_hybrid)
    string(APPEND text ", which is not a public, stable API: it may change in any Boost "
                       "release, and a change may still compile")
  else()
    string(APPEND text " and green_threads uses Boost.Fiber's internals: neither is a public, "
                       "stable API, either may change in any Boost release, and a change may "
                       "still compile")
  endif()
  string(APPEND text " (hybrid/README.md, \"Boost versions\").\n")
  if(allow_untested)
    message(WARNING "${text}THREADLAB_ALLOW_UNTESTED_BOOST is ON: going on with Boost ${version}.")
  else()
    message(FATAL_ERROR
            "${text}Point CMake at a tested Boost (-DBoost_DIR=<its cmake/Boost-X.Y.Z folder>), "
            "or configure with -DTHREADLAB_ALLOW_UNTESTED_BOOST=ON to try this one anyway "
            "(a warning instead of this error).")
  endif()
endfunction()
