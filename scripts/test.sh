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
# First the tools, the images and the suites that start and stop interviews by the dozen; then the
# terminal tasks' suites; then the desktop tasks', one at a time, as a desktop (an editor, Jupyter)
# takes both cores to start. The terminal tasks' suites run three at once (TASK_SUITES_AT_ONCE sets
# how many): each waits on logins and checks far more than it computes.
# Arguments (say -p hello) go to one run of every target instead.
at_once=${TASK_SUITES_AT_ONCE:-3}
at() { echo "(at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }
phase() { echo "=== $1 $(at)"; }
# Each target's start is stamped with the time too, so the log shows where the minutes go.
stamped() { while IFS= read -r line || [ -n "$line" ]; do case $line in *'> nx run '*) echo "$line $(at)" ;; *) printf '%s\n' "$line" ;; esac; done; }
if [ $# -gt 0 ]; then
  npx nx run-many -t typecheck unit test --parallel=1 --outputStyle=stream "$@" 2>&1 | tee .test-output/last.log
else {
  phase "tools, images and scripts"
  npx nx run-many -t typecheck unit test --exclude='tag:task' --parallel=1 --outputStyle=stream | stamped
  first=${PIPESTATUS[0]}
  phase "terminal tasks, $at_once at once"
  npx nx run-many -t test --projects='tag:task' --exclude='tag:desktop-task' --parallel="$at_once" --outputStyle=stream | stamped
  second=${PIPESTATUS[0]}
  phase "desktop tasks"
  npx nx run-many -t test --projects='tag:desktop-task' --parallel=1 --outputStyle=stream | stamped
  third=${PIPESTATUS[0]}
  phase "done"
  [ "$first" -eq 0 ] && [ "$second" -eq 0 ] && [ "$third" -eq 0 ]
} 2>&1 | tee .test-output/last.log
fi
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo
  echo "=== what failed (full output: .test-output/last.log)"
  sed 's/\x1b\[[0-9;]*m//g' .test-output/last.log \
    | grep -E -A 30 '^[^ ]+: not ok |^[^ ]+: +FAIL |error TS[0-9]+|^[^ ]+: .*✘' \
    | cut -c1-300 | tail -n 200
fi
exit "$status"
