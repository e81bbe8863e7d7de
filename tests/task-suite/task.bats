# The generic suite every task passes (TASK=<name> bats tests/task-suite): it starts broken, the
# reference solution typed over SSH fixes it, and the candidate's `task` command works. A task with
# variants (task.md's `variants:`) is proved for each of them: the first by the interview every test
# here shares, the others by one short interview each. Every failing assertion says what to fix.
load ../helpers

setup_file() {
  [ -n "${TASK:-}" ] || { echo "set TASK to a folder of images/tasks" >&2; return 1; }
  TASK_DIR="$REPO_ROOT/images/tasks/$TASK"
  WEB_PORT=$(( 18000 + RANDOM % 1000 ))   # a desktop task starts the web gateway here
  TASK_VARIANTS=$(zx_script list --images --json | jq -r --arg task "$TASK" '.[] | select(.name == $task) | .variants | join(" ")') || return 1
  FIRST_VARIANT=${TASK_VARIANTS%% *}
  export TASK_DIR WEB_PORT TASK_VARIANTS FIRST_VARIANT
  start_interview "$TASK" --web-port "$WEB_PORT" ${FIRST_VARIANT:+--variant "$FIRST_VARIANT"}
}
teardown_file() {
  stop_interview
  pkill -f "scripts/web.mjs --bind 127.0.0.1 --port $WEB_PORT" || true
}
# An interview a test started of its own (one per variant) is stopped even when the test fails.
teardown() { [ -z "${VARIANT_INTERVIEW:-}" ] || stop_interview "$VARIANT_INTERVIEW"; }

# to_fix TEXT: after a failed assertion, says what to change (assert_x || to_fix "...").
to_fix() { echo "to fix: $*" >&2; return 1; }

# A variant's name in messages: " (variant typo)", or nothing for a task without variants.
of_variant() { [ -z "${1:-}" ] || echo " (variant $1)"; }

# The box's own tools that a check could lean on. The candidate, root in the box, replaces them with
# fakes (fake_box_tools VERDICT), as an attacker would; restore_box_tools puts them back.
BOX_TOOLS="timeout curl ss pgrep ps psql sha256sum getent nginx jq iptables python3 stat df"
fake_box_tools() {
  local verdict=$1
  docker exec -i "$(interview_container)" bash -s "$verdict" $BOX_TOOLS <<'SH'
verdict=$1; shift
for tool in "$@"; do
  path=$(command -v "$tool") || continue
  [ -e "$path.real" ] || mv "$path" "$path.real"
  if [ "$verdict" = OK ]; then printf '#!/bin/sh\necho OK\nexit 0\n' > "$path"; else printf '#!/bin/sh\nexit 1\n' > "$path"; fi
  chmod 755 "$path"
done
SH
}
restore_box_tools() {
  docker exec -i "$(interview_container)" bash -s $BOX_TOOLS <<'SH'
for tool in "$@"; do
  for path in /usr/local/sbin/$tool /usr/local/bin/$tool /usr/sbin/$tool /usr/bin/$tool /sbin/$tool /bin/$tool; do
    [ -e "$path.real" ] && mv -f "$path.real" "$path"
  done
done
true
SH
}

# assert_broken_at_start [VARIANT]: the start script set up VARIANT, and both checks say NO.
assert_broken_at_start() {
  local variant=${1:-}
  if [ -n "$variant" ]; then
    assert_equal "$(jq -r .variant <<<"$RUN_JSON")" "$variant" || to_fix "run --variant $variant must report that variant in --json (tools/interviews/start.ts)"
    run docker exec "$(interview_container)" cat /var/lib/interview/task/variant
    assert_output "$variant" \
      || to_fix "start must set up the variant named in \$INTERVIEW_VARIANT ($variant) and write it to /var/lib/interview/task/variant (docs/writing-tasks.md, Variants)"
  fi
  run zx_script check "$INTERVIEW"
  assert_failure 1 || to_fix "on a fresh interview$(of_variant "$variant") the check must print 'NO: ...' and exit 1: does start break the system, and does check test what the statement promises?"
  assert_output --regexp '^NO: ' || to_fix "the check's first line must be 'NO: what is still wrong' when it fails"
  run ssh_as_candidate task check
  assert_failure || to_fix "the candidate's \`task check\`$(of_variant "$variant") said OK on a fresh interview: the check must not depend on who runs it"
  assert_output --regexp '^NO: '
  # Tools in the box that say OK whatever they are asked do not fool the interviewer's check.
  fake_box_tools OK
  run zx_script check "$INTERVIEW"
  restore_box_tools
  assert_failure 1 || to_fix "with the box's timeout, curl, ss... replaced by fakes that print OK, the interviewer's check$(of_variant "$variant") said OK: read the box through \$ROOT with the checker's own tools (docs/writing-tasks.md, The check)"
  assert_output --regexp '^NO: '
}

# assert_solved [VARIANT]: the reference solution, typed as the candidate over SSH, makes both checks say OK.
assert_solved() {
  local variant=${1:-}
  run ssh_as_candidate 'bash -s' < "$TASK_DIR/solution"
  echo "# the solution$(of_variant "$variant") printed:"
  echo "$output"
  run zx_script check "$INTERVIEW"
  assert_success || to_fix "the reference solution$(of_variant "$variant") must make the check say OK: it runs as user over SSH (sudo where a candidate would), and must mend every variant; the check runs twice, 2 s apart"
  assert_output OK || to_fix "a passing check prints exactly OK"
  run ssh_as_candidate task check
  assert_success || to_fix "the candidate's \`task check\` must agree with the interviewer's once the task is solved"
  assert_output OK
  # Tools in the box that fail whatever they are asked do not fail the interviewer's check either.
  fake_box_tools NO
  run zx_script check "$INTERVIEW"
  restore_box_tools
  assert_success || to_fix "with the box's timeout, curl, ss... replaced by fakes that fail, the interviewer's check$(of_variant "$variant") said NO: run no program of the box to judge it (docs/writing-tasks.md, The check)"
  assert_output OK
}

@test "[$TASK] the check says NO on a fresh interview" {
  assert_broken_at_start "$FIRST_VARIANT"
}

@test "[$TASK] \`task\` shows the title and statement, not the front matter" {
  run ssh_as_candidate task
  assert_success || to_fix "\`task\` failed: is /etc/interview/task.md in the image (install-task in the Dockerfile)?"
  title=$(sed -n 's/^title: *//p' "$TASK_DIR/task.md" | head -n1 | sed 's/^"//; s/"$//')
  assert_line --index 0 "# $title" || to_fix "\`task\` must start with '# <title>': give task.md a front matter between two --- lines with a title"
  refute_output --partial 'difficulty:' || to_fix "the front matter shows in \`task\`: close it with a --- line"
  refute_output --partial 'variants:'
  first_statement_line=$(awk 'f == 2 && NF { print; exit } /^---$/ { f++ }' "$TASK_DIR/task.md")
  assert_output --partial "$first_statement_line" || to_fix "\`task\` must show the statement after the front matter"
}

@test "[$TASK] hints are revealed in order, counted, and then run out" {
  total=$(find "$TASK_DIR/hints" -name '*.md' 2>/dev/null | wc -l)
  assert [ "$total" -ge 1 ] || to_fix "add hints/1.md (then 2.md, ...): a nudge first, nearly the answer last"
  for i in $(seq "$total"); do
    run ssh_as_candidate task hint
    assert_success
    assert_line --index 0 "Hint $i/$total:" || to_fix "hints must be named 1.md to $total.md, with no gaps"
    assert_output --partial "$(head -n1 "$TASK_DIR/hints/$i.md")"
    run ssh_as_candidate cat /var/lib/interview/hints-used
    assert_output "$i"
  done
  run ssh_as_candidate task hint
  assert_output --partial 'No more hints'
}

@test "[$TASK] the task's hidden parts are not readable by the candidate, and the solution is not in the image" {
  run ssh_as_candidate 'cat /usr/local/lib/interview/task/check; ls /usr/local/lib/interview/task/start 2>&1; cat ~/.bash_history 2>/dev/null'
  assert_output --partial 'Permission denied' || to_fix "the check must stay root-only: install it with install-task, and do not chmod its folder"
  refute_output --partial 'echo OK' || to_fix "user can read the check: keep it out of rootfs/ and let install-task install it"
  run docker exec "$(interview_container)" sh -c 'ls /usr/local/lib/interview/task/start /tmp/task 2>&1; true'
  assert_output --partial 'No such file' || to_fix "the start script and the task folder must be gone once the interview started (install-task removes them)"
  refute_output --regexp '^/'
}

@test "[$TASK] the reference solution, typed as the candidate over SSH, makes the check say OK" {
  assert_solved "$FIRST_VARIANT"
}

@test "[$TASK] every other variant starts broken, and the reference solution makes the check say OK" {
  read -r -a others <<<"${TASK_VARIANTS#"$FIRST_VARIANT"}"
  [ "${#others[@]}" -gt 0 ] || skip "the task declares at most one variant: the tests above proved it"
  for variant in "${others[@]}"; do
    echo "# variant $variant"
    start_interview "$TASK" --web-port "$WEB_PORT" --no-record --variant "$variant" || to_fix "run $TASK --variant $variant did not start (see above)"
    VARIANT_INTERVIEW=$INTERVIEW
    assert_broken_at_start "$variant"
    assert_solved "$variant"
    stop_interview "$VARIANT_INTERVIEW" 3>/dev/null
    VARIANT_INTERVIEW=
  done
}

@test "[$TASK] the README's catalog lists the task, as its task.md says" {
  run grep -E "^\| \`$TASK\` \|" "$REPO_ROOT/README.md"
  assert_success || to_fix "README.md's catalog does not list $TASK: run npx zx scripts/catalog.mjs --write, and commit README.md"
  run zx_script catalog --check
  assert_success || to_fix "README.md's catalog is out of date with the task.md files: run npx zx scripts/catalog.mjs --write, and commit README.md"
}

@test "[$TASK] the catalog's image size is the built image's" {
  run zx_script catalog --check-size "$TASK"
  assert_success || to_fix "measure the task's images again: npx zx scripts/catalog.mjs --sizes, and commit images/tasks/sizes.json and README.md"
  assert_output --partial "$TASK: +"
}
