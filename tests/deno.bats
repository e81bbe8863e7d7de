# The scripts under Deno 2 as well as Node: a hello interview's whole life with `deno run -A`,
# Deno itself installed from the npm registry (the `deno` devDependency).
load helpers

DENO="$REPO_ROOT/node_modules/.bin/deno"
deno_script() { "$DENO" run -A "$REPO_ROOT/scripts/$1.mjs" "${@:2}"; }
recording() { echo "$INTERVIEW_ENV_RECORDINGS/$INTERVIEW"; }

setup_file() {
  INTERVIEW=$(new_interview_name deno)
  # A recordings root of its own: the host recorder of the run's root was started under Node.
  INTERVIEW_ENV_RECORDINGS="$BATS_FILE_TMPDIR/recordings"
  SSH_USER=$INTERVIEW   # through the front door, the user name is the interview's
  export INTERVIEW INTERVIEW_ENV_RECORDINGS SSH_USER
}
teardown_file() {
  stop_interview
  kill "$(cut -d' ' -f1 "$INTERVIEW_ENV_RECORDINGS/.recorder.pid" 2>/dev/null)" 2>/dev/null || true
}

@test "[deno] Deno 2 comes with npm ci" {
  run "$DENO" --version
  assert_success
  assert_line --index 0 --regexp '^deno 2\.'
}

@test "[deno] run starts a hello interview whose password logs in, and its recorder runs under Deno" {
  SSH_KEY=$(new_key candidate)
  run deno_script run hello --name "$INTERVIEW" --key "$SSH_KEY.pub" --json
  assert_success
  SSH_PORT=$(jq -r .port <<<"$output")
  password=$(jq -r .password <<<"$output")
  assert_equal "$(jq -r .user <<<"$output")" "$INTERVIEW"
  run ssh_with_password "$password" "$INTERVIEW" 'echo logged-in'
  assert_output logged-in
  printf '%s\n' "$SSH_PORT" "$SSH_KEY" > "$BATS_FILE_TMPDIR/login"
  # The recorder is started with the runtime that started the interview.
  run cat "/proc/$(cut -d' ' -f1 "$(recording)/recorder.pid")/cmdline"
  assert_output --partial "$(readlink -f "$DENO")"
  assert_output --partial 'scripts/record.mjs'
}

@test "[deno] list shows the interview" {
  run deno_script list
  assert_success
  assert_line --index 0 --regexp '^NAME +TASK +ADDRESS'
  assert_line --regexp "^$INTERVIEW +hello +door 127\.0\.0\.1:$(head -n1 "$BATS_FILE_TMPDIR/login") +"
}

@test "[deno] check says NO on the broken system, and OK once the candidate solved it" {
  { read -r SSH_PORT; read -r SSH_KEY; } < "$BATS_FILE_TMPDIR/login"
  run deno_script check "$INTERVIEW"
  assert_failure 1
  assert_output --partial NO
  ssh_as_candidate bash < "$REPO_ROOT/images/tasks/hello/solution"
  run deno_script check "$INTERVIEW"
  assert_success
  assert_output --partial OK
}

@test "[deno] stop removes everything and the recording is finished" {
  run deno_script stop "$INTERVIEW"
  assert_success
  assert_nothing_left "$INTERVIEW"
  assert [ ! -e "$(recording)/recorder.pid" ]
  run jq -r .type "$(recording)/events.jsonl"
  assert_line end
}

@test "[deno] a bad argument is one error line and a hint, as under Node" {
  run deno_script run no-such-task-here
  assert_user_error 'no-such-task-here'
}
