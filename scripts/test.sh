#!/usr/bin/env bash
# The whole test suite (what `npm test` runs): type check, unit tests, and each Nx project's tests.
# The output also goes to .test-output/last.log; when anything fails, the failures are repeated at
# the end, so the tail of a long CI log says what broke.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-output
# The tests' own `docker` commands talk to the interview engine, as the tools do (tools/core/engine-socket.ts).
socket=${INTERVIEW_ENGINE_RUN:-/run/interview-env}/docker.sock
if [ -z "${DOCKER_HOST:-}" ] && [ -S "$socket" ]; then export DOCKER_HOST=unix://$socket; fi
npx nx run-many -t typecheck unit test --parallel=1 --outputStyle=stream "$@" 2>&1 | tee .test-output/last.log
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo
  echo "=== what failed (full output: .test-output/last.log)"
  sed 's/\x1b\[[0-9;]*m//g' .test-output/last.log \
    | grep -E -A 30 '^[^ ]+: not ok |^[^ ]+: +FAIL |error TS[0-9]+|^[^ ]+: .*✘' \
    | cut -c1-300 | tail -n 200
fi
exit "$status"
