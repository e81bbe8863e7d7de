# The generic suite every task passes (TASK=<name> bats tests/task-suite): it starts broken, the
# reference solution typed over SSH fixes it, and the candidate's `task` command works.
load ../helpers

setup_file() {
  [ -n "${TASK:-}" ] || { echo "set TASK to a folder of images/tasks" >&2; return 1; }
  TASK_DIR="$REPO_ROOT/images/tasks/$TASK"
  WEB_PORT=$(( 18000 + RANDOM % 1000 ))   # a desktop task starts the web gateway here
  export TASK_DIR WEB_PORT
  start_interview "$TASK" --web-port "$WEB_PORT"
}
teardown_file() {
  stop_interview
  pkill -f "scripts/web.mjs --bind 127.0.0.1 --port $WEB_PORT" || true
}

@test "[$TASK] the check says NO on a fresh interview" {
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output --regexp '^NO: '
  run ssh_as_candidate task check
  assert_failure
  assert_output --regexp '^NO: '
}

@test "[$TASK] \`task\` shows the title and statement, not the front matter" {
  run ssh_as_candidate task
  assert_success
  title=$(sed -n 's/^title: *//p' "$TASK_DIR/task.md" | head -n1 | sed 's/^"//; s/"$//')
  assert_line --index 0 "# $title"
  refute_output --partial 'difficulty:'
  first_statement_line=$(awk 'f == 2 && NF { print; exit } /^---$/ { f++ }' "$TASK_DIR/task.md")
  assert_output --partial "$first_statement_line"
}

@test "[$TASK] hints are revealed in order, counted, and then run out" {
  total=$(find "$TASK_DIR/hints" -name '*.md' | wc -l)
  assert [ "$total" -ge 1 ]
  for i in $(seq "$total"); do
    run ssh_as_candidate task hint
    assert_success
    assert_line --index 0 "Hint $i/$total:"
    assert_output --partial "$(head -n1 "$TASK_DIR/hints/$i.md")"
    run ssh_as_candidate cat /var/lib/interview/hints-used
    assert_output "$i"
  done
  run ssh_as_candidate task hint
  assert_output --partial 'No more hints'
}

@test "[$TASK] the task's hidden parts are not readable by the candidate, and the solution is not in the image" {
  run ssh_as_candidate 'cat /usr/local/lib/interview/task/check; ls /usr/local/lib/interview/task/start 2>&1; cat ~/.bash_history 2>/dev/null'
  assert_output --partial 'Permission denied'
  refute_output --partial 'echo OK'
  run docker exec "$(interview_container)" sh -c 'ls /usr/local/lib/interview/task/start /tmp/task 2>&1; true'
  assert_output --partial 'No such file'
  refute_output --regexp '^/'
}

@test "[$TASK] the reference solution, typed as the candidate over SSH, makes the check say OK" {
  run ssh_as_candidate 'bash -s' < "$TASK_DIR/solution"
  echo "$output"
  run zx_script check "$INTERVIEW"
  assert_success
  assert_output OK
  run ssh_as_candidate task check
  assert_success
  assert_output OK
}

@test "[$TASK] the README's catalog lists the task" {
  [[ $TASK == bats-* ]] && skip "a scaffold made by the tests"
  run grep -E "^\| \`$TASK\` \|" "$REPO_ROOT/README.md"
  assert_success
}
