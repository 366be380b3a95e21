#!/usr/bin/env bash
# scripts/quickstart.sh — quick-start command 1: install what is missing, build the release
# preset, and run the default comparison (every workload on every model), printing the table.
# Extra arguments go to `threadlab` (e.g. `scripts/quickstart.sh run --workload skynet`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --tests  # the same build folder as scripts/test.sh, which needs doctest
cmake --preset release >/dev/null
cmake --build --preset release --target threadlab -j "$(nproc)" >/dev/null
exec build/release/bench/threadlab "$@"
