#!/usr/bin/env bash
# Runs uvu on a folder of tests (arguments as uvu's), and fails when any test did not pass: uvu
# itself counts the tests of a suite whose `before` hook threw as not run, and still exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
output=$(mktemp)
trap 'rm -f "$output"' EXIT
node --import tsx/esm node_modules/uvu/bin.js "$@" | tee "$output"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || exit "$status"
count() { sed 's/\x1b\[[0-9;]*m//g' "$output" | sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" | tail -n1; }
total=$(count Total) passed=$(count Passed) skipped=$(count Skipped)
if [ -z "$total" ] || [ "$total" -ne "$((passed + skipped))" ]; then
  echo "uvu: $((total - passed - skipped)) of $total tests did not run or pass (a suite's before hook failed?): see above" >&2
  exit 1
fi
