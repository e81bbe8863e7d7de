# What the box sends reaches interviewers harmless: no control string (clipboard write, title,
# passthrough) in the recording or a replay, names printed escaped, and counters the box reports
# bounded. Attacks are made as a candidate would, with root in the box.
load helpers

ESC=$'\e'

teardown() {
  close_terminals
  stop_interview
}

# refute_raw_escape: the last `run` printed no ESC and no UTF-8 encoded C1 control.
refute_raw_escape() {
  if printf '%s' "$output" | LC_ALL=C grep -q $'\e\|\xc2[\x80-\x9f]'; then
    echo "raw control characters in: $(printf '%s' "$output" | od -c | head -20)" >&2
    return 1
  fi
}

@test "[escapes] a name holding ESC sequences is printed escaped by list and replay --typed" {
  start_interview base
  local key="$BATS_FILE_TMPDIR/mallory"
  ssh-keygen -q -t ed25519 -N '' -C "mallory${ESC}]52;c;ZXZpbA==$(printf '\a')${ESC}[31m" -f "$key"
  zx_script keys add "$INTERVIEW" "$key.pub" --role interviewer
  terminal_open mallory "$key"
  terminal_type mallory "echo typed-by-mallory"
  wait_for_screen mallory 'typed-by-mallory'
  run zx_script list
  assert_success
  refute_raw_escape
  assert_output --partial 'mallory\e]52;c;ZXZpbA==\a\e[31m (interviewer)'
  # The front door's log names who came in, escaped too.
  run grep -F "$INTERVIEW: mallory" "$INTERVIEW_ENV_DOOR_DIR/door.log"
  assert_success
  refute_raw_escape
  assert_output --partial 'mallory\e]52;c;ZXZpbA==\a\e[31m (interviewer) came in'
  wait_for_line "$(recording)/events.jsonl" '"type":"input".*typed-by-mallory'
  run zx_script replay "$INTERVIEW" --typed
  assert_success
  refute_raw_escape
  assert_output --regexp 'mallory\\e\]52;c;ZXZpbA==\\a\\e\[31m \(interviewer\) +echo typed-by-mallory'
  zx_script stop "$INTERVIEW"
  run cat "$(recording)/summary.md"
  refute_raw_escape
  assert_output --partial '| mallory\\e\]52;c;ZXZpbA==\\a\\e\[31m | interviewer |'
  INTERVIEW=
}

@test "[escapes] OSC 52 and tmux passthrough from the box never reach the recording or a replay" {
  start_interview base
  terminal_open alice
  # As the candidate: the tmux server is theirs, so they can turn passthrough and clipboard on.
  terminal_type alice "tmux set -g allow-passthrough on; tmux set -g set-clipboard on"
  terminal_type alice "printf '\ePtmux;\e\e]52;c;ZXZpbA==\a\e\\\\'; printf '\e]52;c;ZXZpbA==\a'; printf '\e]0;pwned-title\a'; echo after-the-attack"
  wait_for_screen alice 'after-the-attack'
  sleep 1.2   # output reaches the file within a second
  local cast="$(recording)/session.cast"
  # What the attack printed after its sequences is there; the sequences are not.
  run jq -r 'select(type == "array" and .[1] == "o") | .[2]' "$cast"
  assert_output --partial 'after-the-attack'
  refute_output --partial "${ESC}]"
  refute_output --partial "${ESC}P"
  run zx_script replay "$INTERVIEW" --speed 1000
  assert_success
  assert_output --partial 'after-the-attack'
  refute_output --partial "${ESC}]"
}

@test "[escapes] replay filters a recording made before the filter, and escapes its markers" {
  local cast="$BATS_TEST_TMPDIR/old.cast"
  {
    echo '{"version": 2, "width": 80, "height": 24, "timestamp": 1}'
    echo '[0.1, "o", "before\u001b]52;c;ZXZpbA==\u0007 \u001bPtmux;\u001b\u001b]52;c;ZXZpbA==\u0007\u001b\\after\u001b[0m"]'
    echo '[0.2, "m", "mallory\u001b]0;title\u0007 joined"]'
  } >"$cast"
  run zx_script replay "$cast" --speed 1000
  assert_success
  assert_output --partial "before after${ESC}[0m"
  assert_output --partial '[mallory\e]0;title\a joined]'
  refute_output --partial "${ESC}]"
  refute_output --partial "${ESC}P"
}

@test "[escapes] a hint counter of 200000 and a flood of checks written in the box keep the timeline small" {
  start_interview hello
  # Written by hand, then the box's feed woken as `task` would wake it (root inside can do both).
  run ssh_as_candidate "sudo sh -c 'echo 200000 > /var/lib/interview/hints-used; seq 1000 | sed \"s/\$/ candidate OK/\" > /var/lib/interview/checks.log; /usr/local/lib/interview/feed-wake'"
  assert_success
  # (1000 checks: recorder-state in the box cannot report many more, its jq argument list overflows)
  wait_for_line "$(recording)/events.jsonl" '"type":"hint"'
  zx_script stop "$INTERVIEW"
  local events="$(recording)/events.jsonl" cast="$(recording)/session.cast"
  echo "events.jsonl: $(stat -c %s "$events") bytes, session.cast: $(stat -c %s "$cast") bytes" >&3
  [ "$(stat -c %s "$events")" -lt 100000 ]
  [ "$(stat -c %s "$cast")" -lt 100000 ]
  # hello has 3 hints: no more can be counted.
  run grep -c '"type":"hint"' "$events"
  assert_output 3
  run grep -c '"type":"check"' "$events"
  [ "$output" -le 200 ]
  run cat "$(recording)/summary.md"
  assert_output --partial '**Hints used:** 3'
  INTERVIEW=
}
