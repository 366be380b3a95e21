#!/usr/bin/env bash
# scripts/deps.sh — install what threadlab needs from Debian 12 packages, if anything is missing.
# As root it runs apt-get; otherwise it prints the `sudo apt-get install …` line and exits 1.
# Usage: scripts/deps.sh [--tests | --fuzz]   (--tests adds what the test suites need, --fuzz
# what scripts/fuzz.sh needs: clang and libFuzzer, which is in libclang-rt-14-dev, only
# recommended by clang and so not installed with it here)
set -euo pipefail

packages=(g++ make cmake git pkg-config
          libboost-context-dev libboost-fiber-dev libfmt-dev libcli11-dev nlohmann-json3-dev
          liburing-dev libtbb-dev libasio-dev
          wrk)
case "${1:-}" in
  "") ;;
  # gdb: tests/hybrid/gdb_helper_test.sh; chromium: scripts/html_check.py
  --tests) packages+=(doctest-dev clang-format clang valgrind gdb chromium) ;;
  --fuzz) packages+=(clang libclang-rt-14-dev) ;;
  *) echo "scripts/deps.sh: unknown argument '$1' (valid: --tests, --fuzz)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  echo "threadlab: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "threadlab: missing packages; run:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
