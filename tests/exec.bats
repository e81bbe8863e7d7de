# Commands run without the shared terminal (ssh HOST CMD, ssh -T, scp, sftp) happen in everyone's
# sight: announced in the status line and written to the timeline with who ran them and how they
# ended; `run --no-exec` refuses them to the candidate. These go through the box's own sshd (--no-door);
# door.bats tries the same through the front door.
load helpers

teardown() {
  close_terminals
  stop_interview
}

timeline() { echo "$(recording)/events.jsonl"; }

# wait_for_exec JQ-FILTER: waits until the timeline has an exec event matching the filter.
wait_for_exec() {
  local deadline=$((SECONDS + 10))
  until jq -se "map(select(.type == \"exec\") | select($1)) | length > 0" "$(timeline)" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no exec event matching $1; the timeline has:" >&2; cat "$(timeline)" >&2; return 1; }
    sleep 0.2
  done
}

@test "[exec] a command over ssh is announced in the status line and written to the timeline with who, what and its exit status" {
  start_interview base --no-door
  terminal_open alice
  run ssh_as_candidate 'sleep 2; echo done-here; exit 3'
  assert_equal "$status" 3
  assert_output done-here
  wait_for_exec '.who == "candidate" and .role == "candidate" and .command == "sleep 2; echo done-here; exit 3" and .status == null'
  wait_for_exec '.who == "candidate" and .command == "sleep 2; echo done-here; exit 3" and .status == 3'
  run ssh_as_candidate "sleep 4"
  wait_for_screen alice 'candidate (candidate) finished: sleep 4 (exit 0)'
  zx_script stop "$INTERVIEW"
  run cat "$INTERVIEW_ENV_RECORDINGS/$INTERVIEW/summary.md"
  assert_output --regexp '\| 0:[0-9]{2} \| candidate \| candidate \| sleep 2; echo done-here; exit 3 \| exit 3 \|'
  INTERVIEW=
}

@test "[exec] a shell without a terminal, sftp and scp are traced too" {
  start_interview base --no-door
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -p "$SSH_PORT" -T user@127.0.0.1 <<<'echo from-a-plain-shell'
  assert_success
  assert_output --partial from-a-plain-shell
  wait_for_exec '.command == "a shell without a terminal" and .status == 0'
  echo payload > "$BATS_TEST_TMPDIR/file"
  run sftp -b - "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -P "$SSH_PORT" user@127.0.0.1 <<<"put $BATS_TEST_TMPDIR/file /tmp/by-sftp"
  assert_success
  wait_for_exec '.command == "sftp" and .status == 0'
  run scp -O "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -P "$SSH_PORT" "$BATS_TEST_TMPDIR/file" user@127.0.0.1:/tmp/by-scp
  assert_success
  wait_for_exec '(.command | startswith("scp -t")) and .status == 0'
  run ssh_as_candidate 'cat /tmp/by-sftp /tmp/by-scp'
  assert_output $'payload\npayload'
}

@test "[exec] run --no-exec refuses the candidate's commands, shells, scp and sftp, says so on the card, and keeps the interviewer's" {
  BOB=$(new_key bob)
  start_interview base --no-door --no-exec --interviewer "$BOB.pub"
  run zx_script run base --no-exec --name "$INTERVIEW-card" --key "$SSH_KEY.pub"
  assert_success
  assert_output --partial 'Commands, scp and sftp: refused to the candidate (--no-exec)'
  zx_script stop "$INTERVIEW-card" >/dev/null
  assert_equal "$(jq -r .exec <<<"$RUN_JSON")" false
  run ssh_as_candidate 'touch /tmp/candidate-ran'
  assert_failure
  assert_output --partial 'commands, scp and sftp are off in this interview'
  run ssh_with_password "$SSH_PASSWORD" user 'touch /tmp/candidate-ran'
  assert_failure
  run sftp -b - "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -P "$SSH_PORT" user@127.0.0.1 <<<'ls /'
  assert_failure
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -p "$SSH_PORT" -T user@127.0.0.1 <<<'touch /tmp/candidate-ran'
  assert_failure
  wait_for_exec '.who == "candidate" and .refused == "run --no-exec"'
  # The interviewer's command runs, traced; nothing the candidate sent did.
  run ssh_with_key "$BOB" 'test -e /tmp/candidate-ran || echo nothing-ran'
  assert_success
  assert_output nothing-ran
  wait_for_exec '.who == "bob" and .role == "interviewer" and .status == 0'
  # The shared terminal still works for the candidate.
  terminal_open alice
  terminal_type alice 'echo interactive-works'
  wait_for_screen alice 'interactive-works'
}

@test "[exec] without --no-exec the card says commands are allowed and recorded" {
  run zx_script run base --name "$(new_interview_name exec-card)" --key "$(new_key someone).pub"
  assert_success
  INTERVIEW=$(sed -n 's/^Interview "\([^"]*\)".*/\1/p' <<<"$output")
  assert_output --partial 'Commands, scp and sftp (ssh HOST CMD) are allowed, shown to everyone in the status line, and recorded'
}
