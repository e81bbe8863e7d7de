# The scripts over a whole interview: run, list, keys, debug, stop.
load helpers

setup_file() {
  INTERVIEW=$(new_interview_name life)
  KEYS_DIR="$BATS_FILE_TMPDIR"
  SSH_USER=$INTERVIEW   # through the front door, the user name is the interview's
  export INTERVIEW KEYS_DIR SSH_USER
}
teardown_file() { close_terminals; stop_interview; }

@test "[run] prints a connection card with an ssh command and a password that log in" {
  run zx_script run base --name "$INTERVIEW"
  assert_success
  assert_line --partial "Interview \"$INTERVIEW\" is ready"
  assert_line --regexp "join: +ssh -p $INTERVIEW_ENV_DOOR_PORT -o HostKeyAlias=interview-$INTERVIEW $INTERVIEW@127.0.0.1"
  assert_line --regexp 'host key: +SHA256:'
  assert_line --partial "npx zx scripts/stop.mjs $INTERVIEW"
  SSH_PORT=$(grep -oP 'ssh -p \K[0-9]+' <<<"$output")
  password=$(grep -oP 'password: +\K\S+' <<<"$output")
  assert [ ${#password} -ge 20 ]
  run ssh_with_password "$password" "$INTERVIEW" 'echo logged-in as $(whoami)'
  assert_output 'logged-in as user'
  echo "$SSH_PORT" > "$BATS_FILE_TMPDIR/port"
}

@test "[run] the front door listens on 127.0.0.1 only, and the box publishes nothing" {
  run docker port "$(interview_container)"
  assert_output ''
  run ss -Hltn "sport = :$INTERVIEW_ENV_DOOR_PORT"
  assert_output --regexp '127\.0\.0\.1:'"$INTERVIEW_ENV_DOOR_PORT"
  refute_output --regexp '(0\.0\.0\.0|\*|\[::\]):'"$INTERVIEW_ENV_DOOR_PORT"
}

@test "[run] --no-door publishes the box's own sshd on 127.0.0.1 only" {
  name=$(new_interview_name boxssh)
  json=$(zx_script run base --name "$name" --no-door --password 'correct horse battery' --json)
  run docker port "$(interview_container "$name")" 22
  stop_interview "$name"
  assert_output "127.0.0.1:$(jq -r .port <<<"$json")"
  assert_equal "$(jq -r .user <<<"$json")" user
}

@test "[run] --json prints one JSON object with the same details" {
  name=$(new_interview_name json)
  run zx_script run base --name "$name" --json --password 'correct horse battery'
  stop_interview "$name"
  assert_success
  assert_equal "$(jq -r .name <<<"$output")" "$name"
  assert_equal "$(jq -r .password <<<"$output")" 'correct horse battery'
  assert_equal "$(jq -r .user <<<"$output")" "$name"
  assert_equal "$(jq -r .port <<<"$output")" "$INTERVIEW_ENV_DOOR_PORT"
  assert_equal "$(jq -r .ssh <<<"$output")" "ssh -p $INTERVIEW_ENV_DOOR_PORT -o HostKeyAlias=interview-$name $name@127.0.0.1"
  assert_equal "$(jq -r .fullToolset <<<"$output")" true
}

@test "[list] shows the interview with its task, address, age, and who is connected in which role" {
  SSH_PORT=$(cat "$BATS_FILE_TMPDIR/port")
  SSH_KEY=$(new_key interviewer)
  zx_script keys add "$INTERVIEW" "$SSH_KEY.pub"
  terminal_open watcher
  run zx_script list
  assert_success
  assert_line --index 0 --regexp '^NAME +TASK +ADDRESS +AGE +CLIENTS +STATE +WHO$'
  assert_line --regexp "^$INTERVIEW +base +door 127\.0\.0\.1:$SSH_PORT +[0-9]+s +1 +running +interviewer \(candidate\)$"
  close_terminals
}

@test "[keys] add lets a new key log in without a restart; list shows it; remove locks it out" {
  SSH_PORT=$(cat "$BATS_FILE_TMPDIR/port")
  key=$(new_key late-joiner)
  run ssh_with_key "$key" true
  assert_failure
  started=$(docker inspect -f '{{.State.StartedAt}}' "$(interview_container)")
  run zx_script keys add "$INTERVIEW" "$key.pub"
  assert_success
  assert_output --partial 'added:'
  run ssh_with_key "$key" whoami
  assert_output user
  run zx_script keys list "$INTERVIEW"
  assert_output --partial "$(ssh-keygen -lf "$key.pub" | cut -d' ' -f2)"
  assert_output --partial late-joiner
  run zx_script keys add "$INTERVIEW" "$key.pub"
  assert_output 'those keys were already allowed'
  run zx_script keys remove "$INTERVIEW" "$key.pub"
  assert_success
  run ssh_with_key "$key" true
  assert_failure
  assert_equal "$(docker inspect -f '{{.State.StartedAt}}' "$(interview_container)")" "$started"
}

@test "[keys] new writes a keypair into the git-ignored keys folder and never overwrites one" {
  name="bats-key-$RANDOM"
  run zx_script keys new "$name"
  assert_success
  assert [ -f "$REPO_ROOT/keys/$name" ]
  run ssh-keygen -lf "$REPO_ROOT/keys/$name.pub"
  assert_success
  assert_equal "$(stat -c %a "$REPO_ROOT/keys/$name")" 600
  run git -C "$REPO_ROOT" check-ignore -q "keys/$name"
  assert_success
  run zx_script keys new "$name"
  assert_user_error
  rm -f "$REPO_ROOT/keys/$name" "$REPO_ROOT/keys/$name.pub"
}

@test "[run] --no-password allows keys only" {
  name=$(new_interview_name keyonly)
  key=$(new_key only)
  json=$(zx_script run base --name "$name" --no-password --key "$key.pub" --json)
  SSH_PORT=$(jq -r .port <<<"$json") SSH_USER=$name
  assert_equal "$(jq -r .password <<<"$json")" null
  run ssh_with_key "$key" whoami
  assert_output user
  run ssh_with_password 'anything-at-all' "$name" true
  assert_failure
  stop_interview "$name"
}

@test "[debug] runs a root command in a throwaway container of an image, and in a running interview" {
  run zx_script debug base -- id -u
  assert_success
  assert_output 0
  run zx_script debug "$INTERVIEW" -- cat /etc/interview/interview.env
  assert_success
  assert_line "INTERVIEW_NAME=$INTERVIEW"
  assert_equal "$(docker ps -aq --filter label=interview-env.role=debug)" ''
}

@test "[build] builds base, saying where the base OS came from" {
  run zx_script build base
  assert_success
  assert_output --regexp 'base OS debian:bookworm-slim: (found locally|pulled|imported from debootstrap)'
}

@test "[rebuild-all] rebuilds every image through nx run-many" {
  run zx_script rebuild-all
  assert_success
  assert_output --partial 'building interview-env/base'
  assert_output --regexp 'Successfully ran target build for (project base|[0-9]+ projects)'
}

@test "[stop] removes the interview's container and network" {
  run zx_script stop "$INTERVIEW"
  assert_success
  assert_output "stopped: $INTERVIEW"
  assert_nothing_left "$INTERVIEW"
  run zx_script list
  refute_output --partial "$INTERVIEW"
  INTERVIEW=
}
