#!/usr/bin/env bash
# scripts/boost_check.sh — build hybrid and its test suite against another Boost than the
# system's, and run that suite. CI runs it for 1.81 (.ci/run). From nothing it costs about 100
# seconds of CPU time, nearly all of it compiling; the download and unpacking take seconds.
# Usage: scripts/boost_check.sh [--version 1.81]
#
# hybrid switches stacks with Boost.Context's fcontext functions, which are not a public, stable
# API (hybrid/README.md, "Boost versions"), so each Boost version it claims to work with is
# built and tested here. Debian 12 ships Boost 1.81 beside the default 1.74, but its -dev
# packages conflict with 1.74's, so nothing is installed: the steps are
#   1. apt-get download (no root needed) the three packages hybrid needs: the headers
#      (libboost<V>-dev), Boost.Context's CMake package and link library
#      (libboost-context<V>-dev) and its shared library (libboost-context<V>.0);
#   2. dpkg -x them into build/boost-<V>/root;
#   3. configure with THREADLAB_ONLY_HYBRID=ON (hybrid and hybrid_tests only) and Boost_DIR in
#      that tree, the release preset's flags, warnings as errors;
#   4. build hybrid_tests and hybrid_gdb_target;
#   5. check that the build used that Boost and no other: configure reported Boost <V>, no
#      object's dependency file names the system's /usr/include/boost, and the test program
#      loads libboost_context from the tree (the build tree's rpath);
#   6. run hybrid's ctest suite (hybrid/*).
# Everything lands in build/boost-<V>/; delete it to start from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.81
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    *) echo "scripts/boost_check.sh: unknown argument '$1' (valid: --version X.Y)" >&2; exit 2 ;;
  esac
done
if [[ ! "$version" =~ ^1\.[0-9]+$ ]]; then
  echo "scripts/boost_check.sh: --version takes a Boost version as Debian names it: 1.81" >&2
  exit 2
fi

scripts/deps.sh --tests
start=$SECONDS
top="$PWD/build/boost-$version"
packages=("libboost${version}-dev" "libboost-context${version}-dev" "libboost-context${version}.0")

# 1. Download. apt-get download needs the package lists; only root can refresh them.
missing_lists() {
  local p
  for p in "${packages[@]}"; do
    apt-cache show --no-all-versions "$p" >/dev/null 2>&1 || return 0
  done
  return 1
}
if missing_lists && [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq
fi
if missing_lists; then
  echo "scripts/boost_check.sh: Debian has no ${packages[*]} in this machine's package lists" \
       "(run 'sudo apt-get update' first; Debian 12 ships Boost 1.74 and 1.81)" >&2
  exit 1
fi
rm -rf "$top/debs" "$top/root"
mkdir -p "$top/debs" "$top/root"
apt_options=()
# As root, apt drops to the user _apt, which may not write here: download as root instead.
[[ $(id -u) -eq 0 ]] && apt_options=(-o APT::Sandbox::User=root)
(cd "$top/debs" && apt-get download -qq "${apt_options[@]}" "${packages[@]}")

# 2. Extract, without installing.
for deb in "$top"/debs/*.deb; do dpkg -x "$deb" "$top/root"; done
boost_dir=$(echo "$top"/root/usr/lib/*/cmake/Boost-"$version".*)
if [[ ! -f "$boost_dir/BoostConfig.cmake" ]]; then
  echo "scripts/boost_check.sh: no BoostConfig.cmake for $version under $top/root" >&2
  exit 1
fi
echo "boost_check: Boost $version in $top/root ($((SECONDS - start)) s)"

# 3. Configure. Boost_NO_SYSTEM_PATHS keeps FindBoost from falling back on /usr.
build="$top/build"
rm -rf "$build"
configure_log="$top/configure.log"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      -DTHREADLAB_WERROR=ON -DTHREADLAB_ONLY_HYBRID=ON -DTHREADLAB_BUILD_TESTS=ON \
      -DBoost_DIR="$boost_dir" -DBoost_NO_SYSTEM_PATHS=ON >"$configure_log" \
  || { cat "$configure_log" >&2; exit 1; }
grep '^-- threadlab: Boost' "$configure_log"

# 4. Build.
cmake --build "$build" -j "$(nproc)" --target hybrid_tests hybrid_gdb_target
echo "boost_check: built ($((SECONDS - start)) s)"

# 5. Which Boost the build used. A header missing from the tree would silently come from
# /usr/include/boost (the compiler's own search path, after the tree's -isystem): the compiler's
# dependency files say which headers each object read.
fail() { echo "scripts/boost_check.sh: $*" >&2; exit 1; }
grep -q "^-- threadlab: Boost $version\.[0-9]* " "$configure_log" \
  || fail "configure did not report Boost $version (see $configure_log)"
depfiles=$(find "$build" -name '*.o.d')
[[ -n "$depfiles" ]] || fail "no dependency files (*.o.d) in $build"
# shellcheck disable=SC2086  # depfiles: a list of paths without spaces (build/boost-X.Y/...)
if grep -lE '(^|[[:space:]])/usr/include/boost/' $depfiles >&2; then
  fail "the objects above read Boost headers from /usr/include/boost, not from $top/root"
fi
# shellcheck disable=SC2086
grep -q "$top/root/usr/include/boost/context/detail/fcontext.hpp" $depfiles \
  || fail "no object read fcontext.hpp from $top/root"
tests_program="$build/tests/hybrid/hybrid_tests"
loaded=$(ldd "$tests_program" | grep libboost_context || true)
[[ "$loaded" == *"$top/root/"* ]] \
  || fail "hybrid_tests loads libboost_context from elsewhere: ${loaded:-nothing}"
echo "boost_check: headers and libboost_context from $top/root only"

# 6. Test.
ctest --test-dir "$build" -j "$(nproc)" --output-on-failure
echo "boost_check: Boost $version: hybrid built and tested in $((SECONDS - start)) s"
