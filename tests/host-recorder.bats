# One recorder for the whole host: it records every interview, and a recorder killed mid-interview
# is resumed by the next one, in the same files, on the same clock, with the gap on the record.
load helpers

setup_file() {
  # A recordings root of this file's own, so its recorder is this file's alone.
  export INTERVIEW_ENV_RECORDINGS="$BATS_FILE_TMPDIR/recordings"
}
teardown() {
  local name
  for name in ${STARTED:-}; do
    INTERVIEW=$name close_terminals
    stop_interview "$name"
  done
}
teardown_file() {
  local pid
  pid=$(recorder_pid 2>/dev/null) && kill "$pid" 2>/dev/null || true
  echo "# the recorder's log:" >&3
  sed 's/^/#   /' "$INTERVIEW_ENV_RECORDINGS/.recorder.log" >&3 2>/dev/null || true
}

# start_recorded NAME: starts a base interview and keeps its login details as NAME_PORT, NAME_KEY and NAME_USER.
start_recorded() {
  start_interview base || return 1
  STARTED="${STARTED:-} $INTERVIEW"
  printf -v "$1" %s "$INTERVIEW"
  printf -v "${1}_PORT" %s "$SSH_PORT"
  printf -v "${1}_KEY" %s "$SSH_KEY"
  printf -v "${1}_USER" %s "$SSH_USER"
}

# use NAME: the interview the terminal helpers act on.
use() {
  local port=${1}_PORT key=${1}_KEY user=${1}_USER
  INTERVIEW=${!1} SSH_PORT=${!port} SSH_KEY=${!key} SSH_USER=${!user}
}

# cast_output [NAME]: all the output of an interview's cast, as one text.
cast_output() { jq -rj 'select(type == "array" and .[1] == "o") | .[2]' "$(recording "${1:-$INTERVIEW}")/session.cast"; }

# wait_for_cast TEXT [SECONDS]: waits until the current interview's cast shows TEXT.
wait_for_cast() {
  local deadline=$((SECONDS + ${2:-10}))
  until cast_output | grep -qF -- "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the cast of $INTERVIEW never showed '$1'"
    sleep 0.2
  done
}

# A pid file holds the pid, then when that process started.
recorder_pid() { cut -d' ' -f1 "$INTERVIEW_ENV_RECORDINGS/.recorder.pid"; }

# recorders_in_box: how many tmux clients of the current interview are a recorder's.
recorders_in_box() {
  docker exec -u user "$(interview_container)" bash -c \
    'for p in $(tmux list-clients -F "#{client_pid}"); do tr "\0" "\n" < /proc/$p/environ | grep -x INTERVIEW_ROLE=recorder; done' | wc -l
}

@test "[host-recorder] one recorder process records two interviews, each into its own cast" {
  start_recorded A
  start_recorded B
  pid=$(recorder_pid)
  # Exactly one recorder runs for this root, and both recordings name it.
  run pgrep -f -- "scripts/record.mjs --root $INTERVIEW_ENV_RECORDINGS"
  assert_output "$pid"
  assert_equal "$(cut -d' ' -f1 "$(recording "$A")/recorder.pid")" "$pid"
  assert_equal "$(cut -d' ' -f1 "$(recording "$B")/recorder.pid")" "$pid"
  for name in A B; do
    use $name
    terminal_open "$name"
    terminal_type "$name" "echo typed-in-$name-\$((6 * 7))"
    wait_for_cast "typed-in-$name-42"
  done
  run cast_output "$A"
  refute_output --partial typed-in-B
  run cast_output "$B"
  refute_output --partial typed-in-A
}

@test "[host-recorder] a recorder killed mid-interview is resumed by the next run: same cast and clock, a gap, nothing lost after" {
  start_recorded A
  use A
  dir=$(recording)
  terminal_open alice
  terminal_type alice "echo before-the-kill"
  wait_for_cast before-the-kill
  wait_for_line "$dir/events.jsonl" '"type":"input".*before-the-kill'
  header=$(head -n1 "$dir/session.cast")
  last_t=$(tail -n1 "$dir/session.cast" | jq '.[0]')
  kill -9 "$(recorder_pid)"
  terminal_type alice "echo while-nobody-records"
  sleep 3
  # The next run starts a recorder, which takes up the interview left unfinished.
  start_recorded B
  use A
  wait_for_line "$dir/events.jsonl" '"type":"gap"'
  terminal_type alice "echo after-the-restart"
  wait_for_cast after-the-restart
  wait_for_line "$dir/events.jsonl" '"type":"input".*after-the-restart'
  # The cast goes on: the same header, times on the same clock, and a marker for the gap.
  assert_equal "$(head -n1 "$dir/session.cast")" "$header"
  run jq -r 'select(type == "array" and .[1] == "m") | .[2]' "$dir/session.cast"
  assert_line --regexp '^recorder restarted: nothing was recorded for [0-9]+ s$'
  run jq 'select(.type == "gap") | .seconds >= 3' "$dir/events.jsonl"
  assert_output true
  run jq -s --argjson last "$last_t" '[.[1:][] | .[0]] | (. == sort) and (.[-1] > $last + 3)' "$dir/session.cast"
  assert_output true
  # The timeline: one start, the gap, and what was typed once each (the new feed starts its logs over).
  run jq -r .type "$dir/events.jsonl"
  assert_equal "$(grep -c '^start$' <<<"$output")" 1
  assert_equal "$(grep -c '^gap$' <<<"$output")" 1
  run jq -r 'select(.type == "input") | .data' "$dir/events.jsonl"
  assert_equal "$(grep -c before-the-kill <<<"$output")" 1
  assert_equal "$(grep -c after-the-restart <<<"$output")" 1
  # What the killed recorder left in the box is gone: one recorder client, one feed.
  assert_equal "$(recorders_in_box)" 1
  run docker exec "$(interview_container)" pgrep -x input-feed
  assert_equal "${#lines[@]}" 1
  # It still parses, plays back and sums up.
  run node --import tsx/esm -e "
    const { readCast } = await import('$REPO_ROOT/tools/recording/cast.ts')
    console.log(String(readCast('$dir/session.cast').events.length > 0))"   # a string: no colours under FORCE_COLOR
  assert_output true
  zx_script stop "$A"
  run zx_script replay "$A" --speed 1000
  assert_success
  assert_output --partial after-the-restart
  run zx_script replay "$A" --typed
  assert_line --regexp 'echo after-the-restart⏎$'
  run cat "$dir/summary.md"
  assert_output --partial "**Task:** base"
}
