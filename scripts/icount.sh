#!/usr/bin/env bash
# scripts/icount.sh — instructions per operation under callgrind; see scripts/icount.py.
exec python3 "$(dirname "$0")/icount.py" "$@"
