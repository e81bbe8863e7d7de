# The front door (how run lets people in, unless --no-door): participants come in through one SSH
# server on the host, which decides who they are and writes what they send to the timeline before it reaches the box. Each
# test tries, with the real OpenSSH client, to do more than its role allows.
load helpers

setup_file() {
  export DOOR_PORT=7623 BOB CAROL
  BOB=$(new_key bob)     # an interviewer
  CAROL=$(new_key carol) # an observer
  start_door "$DOOR_PORT"
  start_interview hello --door --door-port "$DOOR_PORT" --interviewer "$BOB.pub" --observer "$CAROL.pub"
}
# A test that fails leaves no terminal open for the next one to count.
teardown() { close_terminals; }
teardown_file() {
  close_terminals
  stop_interview
  pkill -f "door.mjs --bind 127.0.0.1 --port $DOOR_PORT" || true
}

# door_ssh KEY [CMD...]: a key login through the door; door_password PASSWORD [CMD...]: a password one.
door_ssh() {
  local key=$1; shift
  ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$key" -p "$DOOR_PORT" "$INTERVIEW@127.0.0.1" "$@"
}
door_password() {
  local password=$1; shift
  SSHPASS="$password" sshpass -e ssh "${_ssh_options[@]}" -o PubkeyAuthentication=no -o PreferredAuthentications=password \
    -o NumberOfPasswordPrompts=1 -p "$DOOR_PORT" "${DOOR_USER:-$INTERVIEW}@127.0.0.1" "$@"
}
# door_terminal ID KEY: an interactive login through the door in host-side terminal ID.
door_terminal() {
  _tmux new-session -d -s "$1" -x 120 -y 40 \
    "ssh ${_ssh_options[*]} -o BatchMode=yes -o IdentitiesOnly=yes -i $2 -p $DOOR_PORT -tt $INTERVIEW@127.0.0.1"
  wait_for_screen "$1" 'connected'
}
in_box() { docker exec -u user "$(interview_container)" "$@"; }

@test "[door] the card gives the door, with the door's host key; the box's own sshd is not published" {
  assert_equal "$SSH_PORT" "$DOOR_PORT"
  assert_equal "$(jq -r .user <<<"$RUN_JSON")" "$INTERVIEW"
  run ssh-keygen -lf "$INTERVIEW_ENV_DOOR_DIR/host_ed25519.pub"
  assert_output --partial "$HOST_KEY"
  run ssh-keyscan -p "$DOOR_PORT" -t ed25519 127.0.0.1
  assert_success
  run ssh-keygen -lf - <<<"$(ssh-keyscan -p "$DOOR_PORT" -t ed25519 127.0.0.1 2>/dev/null)"
  assert_output --partial "$HOST_KEY"
  run docker port "$(interview_container)"
  assert_output ''
  run zx_script list
  assert_output --regexp "$INTERVIEW +hello +door 127.0.0.1:$DOOR_PORT"
}

@test "[door] the password and keys open their own interview only; a wrong password or another name gets the same refusal" {
  run door_password "$SSH_PASSWORD" 'echo in as $INTERVIEW_WHO, $INTERVIEW_ROLE'
  assert_success
  assert_output 'in as password login, candidate'
  run door_ssh "$BOB" 'echo in as $INTERVIEW_WHO, $INTERVIEW_ROLE'
  assert_output 'in as bob, interviewer'
  run door_password "not-the-password"
  assert_failure 255
  assert_output --partial 'Permission denied'
  DOOR_USER=bats-no-such-interview run door_password "$SSH_PASSWORD" true
  assert_failure 255
  assert_output --partial 'Permission denied'
  # A key that was never given, and the interviewer's key offered under another interview's name.
  run door_ssh "$(new_key mallory)" true
  assert_failure 255
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$BOB" -p "$DOOR_PORT" root@127.0.0.1 true
  assert_failure 255
}

@test "[door] keys added and removed while it runs open and close the door, kept on the host, not in the box" {
  local dave
  dave=$(new_key dave)
  run door_ssh "$dave" true
  assert_failure 255
  run zx_script keys add "$INTERVIEW" "$dave.pub" --role interviewer
  assert_success
  run door_ssh "$dave" 'echo in as $INTERVIEW_WHO, $INTERVIEW_ROLE'
  assert_output 'in as dave, interviewer'
  run zx_script keys list "$INTERVIEW"
  assert_output --partial 'dave'
  assert_output --partial 'bob'
  # The box's authorized_keys is not where the door looks: root in the box adding a key opens nothing.
  local eve
  eve=$(new_key eve)
  docker exec "$(interview_container)" sh -c "cat >> /home/user/.ssh/authorized_keys" <"$eve.pub"
  run door_ssh "$eve" true
  assert_failure 255
  # Given again, a key takes its new role (an observer runs no command); removed, it opens nothing more.
  run zx_script keys add "$INTERVIEW" "$dave.pub" --role observer
  run door_ssh "$dave" 'echo in as $INTERVIEW_ROLE'
  assert_failure
  assert_output --partial 'observers only watch'
  run zx_script keys remove "$INTERVIEW" dave
  assert_success
  run door_ssh "$dave" true
  assert_failure 255
  run door_ssh "$BOB" 'echo bob still in'
  assert_output 'bob still in'
  # The list is tied to this box: a file left by an earlier interview of the same name opens nothing.
  local file="$INTERVIEW_ENV_DOOR_DIR/keys/$INTERVIEW.json"
  jq --arg line "$(cat "$eve.pub")" '.container = "an-earlier-box" | .keys += [{line: $line, role: "candidate", who: "eve"}]' "$file" >"$file.new"
  mv "$file.new" "$file"
  run door_ssh "$eve" true
  assert_failure 255
  run door_ssh "$BOB" 'echo bob from the labels'
  assert_output 'bob from the labels'
}

@test "[door] who typed what is written by the door; an observer's keys never reach the box" {
  door_terminal cand "$SSH_KEY"
  door_terminal carol "$CAROL"
  _tmux send-keys -t carol -l 'touch /tmp/observer-was-here'
  _tmux send-keys -t carol Enter
  terminal_type cand 'echo typed-by-$((6*7))'
  wait_for_screen cand 'typed-by-42'
  wait_for_screen carol 'typed-by-42'
  run in_box ls /tmp/observer-was-here
  assert_failure
  local events="$(recording)/events.jsonl"
  wait_for_line "$events" '"type":"input".*typed-by-'
  run jq -r 'select(.type == "input" and .by == "door") | "\(.who) \(.role) \(.ignored // "sent") \(.data)"' "$events"
  assert_line --partial 'candidate candidate sent echo typed-by-$((6*7))'
  assert_line --partial 'carol observer read-only touch /tmp/observer-was-here'
  # One join each, from the door (the recorder does not count the door's clients again).
  run jq -r 'select(.type == "join") | "\(.who) \(.by // "box")"' "$events"
  assert_line 'candidate door'
  assert_line 'carol door'
  refute_line 'candidate box'
  refute_line 'carol box'
  run zx_script replay "$INTERVIEW" --typed
  assert_output --regexp 'carol \(observer\) +touch /tmp/observer-was-here⏎ +\[not sent: read-only\]'
  close_terminals
  wait_for_line "$events" '"type":"leave","who":"carol"'
}

@test "[door] a role switch is the door's: an observer made to type is heard; a typist made read-only is not, whatever the box says" {
  door_terminal cand "$SSH_KEY"
  door_terminal carol "$CAROL"
  local events="$(recording)/events.jsonl"
  run zx_script role "$INTERVIEW" carol --read-write
  assert_success
  assert_output 'carol is now read-write (1 client)'
  _tmux send-keys -t carol -l 'touch /tmp/carol-types-now'
  _tmux send-keys -t carol Enter
  wait_for_line "$events" '"who":"carol".*carol-types-now'
  run in_box sh -c 'for i in $(seq 50); do [ -e /tmp/carol-types-now ] && exit 0; sleep 0.1; done; exit 1'
  assert_success
  # The candidate made read-only: root in the box clears its client's read-only flag, and still
  # nothing it types reaches the box, since the door no longer passes it on.
  run zx_script role "$INTERVIEW" candidate --read-only
  assert_output 'candidate is now read-only (1 client)'
  docker exec -u user "$(interview_container)" sh -c 'for c in $(tmux list-clients -F "#{client_tty}:#{client_readonly}"); do [ "${c#*:}" = 1 ] && tmux switch-client -c "${c%:*}" -r; done; true'
  _tmux send-keys -t cand -l 'touch /tmp/candidate-despite-read-only'
  _tmux send-keys -t cand Enter
  wait_for_line "$events" '"who":"candidate".*candidate-despite-read-only'
  sleep 1
  run in_box ls /tmp/candidate-despite-read-only
  assert_failure
  run jq -r 'select(.type == "role") | "\(.who) \(.readonly) \(.by)"' "$events"
  assert_line 'carol false role.mjs'
  assert_line 'candidate true role.mjs'
  run jq -r 'select(.type == "input" and .by == "door") | "\(.who) \(.ignored // "sent") \(.data)"' "$events"
  assert_line --partial 'carol sent touch /tmp/carol-types-now'
  assert_line --partial 'candidate read-only touch /tmp/candidate-despite-read-only'
  # Switched again, nothing changes; someone not there gets a clear line.
  run zx_script role "$INTERVIEW" candidate --read-only
  assert_output 'candidate already was read-only'
  run zx_script role "$INTERVIEW" nobody-here --read-only
  assert_failure
  assert_output --partial 'nobody called "nobody-here"'
  close_terminals
  wait_for_line "$events" '"type":"leave","who":"carol"'
}

@test "[door] commands, scp and sftp are traced with who ran them; an observer is refused" {
  run door_ssh "$BOB" 'echo from-bob; exit 3'
  assert_failure 3
  assert_output 'from-bob'
  echo "payload-$$" > "$BATS_TEST_TMPDIR/file"
  run scp "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -P "$DOOR_PORT" "$BATS_TEST_TMPDIR/file" "$INTERVIEW@127.0.0.1:/tmp/copied"
  assert_success
  run in_box cat /tmp/copied
  assert_output "payload-$$"
  run door_ssh "$CAROL" 'touch /tmp/observer-ran'
  assert_failure
  assert_output --partial 'observers only watch'
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -p "$DOOR_PORT" -s "$INTERVIEW@127.0.0.1" sftp </dev/null
  assert_failure
  run in_box ls /tmp/observer-ran
  assert_failure
  local events="$(recording)/events.jsonl"
  run jq -c 'select(.type == "exec") | [.who, .role, .command, (.status // .refused // "start")]' "$events"
  assert_line '["bob","interviewer","echo from-bob; exit 3","start"]'
  assert_line '["bob","interviewer","echo from-bob; exit 3",3]'
  assert_line '["candidate","candidate","sftp",0]'
  assert_line '["carol","observer","touch /tmp/observer-ran","observer"]'
}

@test "[door] with --no-exec the candidate's commands, scp and sftp are refused at the door; an interviewer's still run" {
  start_interview hello --door --door-port "$DOOR_PORT" --interviewer "$BOB.pub" --no-exec
  run door_ssh "$SSH_KEY" 'touch /tmp/candidate-ran'
  assert_failure
  assert_output --partial 'commands, scp and sftp are off'
  run door_ssh "$BOB" 'ls /tmp/candidate-ran; echo bob-ran'
  assert_output --partial 'bob-ran'
  assert_output --partial 'No such file'
  stop_interview
}

@test "[door] a client that claims the recorder's role in the box is listed and recorded, not hidden" {
  door_terminal hidden "$SSH_KEY"
  terminal_type hidden 'TMUX= INTERVIEW_ROLE=recorder INTERVIEW_WHO=nobody tmux attach -t interview'
  local deadline=$((SECONDS + 10))
  until zx_script list | grep -q 'nobody (participant'; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the client claiming the recorder's role is not listed: $(zx_script list)"
    sleep 0.3
  done
  # Reported at once when tmux wakes the box's feed, and within 10 s in any case.
  wait_for_line "$(recording)/events.jsonl" '"type":"join","who":"nobody"' 20 || {
    # What the recorder's feed would report, whether it is there to be woken, and what the recorder said.
    echo "# the box's state now: $(in_box /usr/local/lib/interview/recorder-state)" >&3
    echo "# feeds listed: $(in_box ls /run/interview/feeds) running: $(in_box pgrep -af recorder-feed | tr '\n' ' ')" >&3
    docker exec "$(interview_container)" cat /run/interview/feed-wake.log 2>/dev/null | sed 's/^/#   feed-wake: /' >&3
    docker exec "$(interview_container)" ps -eo pid,ppid,user,stat,etimes,wchan:24,args --forest | sed 's/^/#   /' >&3
    tail -n 20 "$INTERVIEW_ENV_RECORDINGS/.recorder.log" | sed 's/^/#   /' >&3
    false
  }
  close_terminals
}

@test "[door] forty terminals opened and dropped at once leave no client behind" {
  local pids=()
  for i in $(seq 40); do
    ( exec ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$SSH_KEY" -p "$DOOR_PORT" -tt "$INTERVIEW@127.0.0.1" </dev/null >/dev/null 2>&1 ) &
    pids+=($!)
  done
  sleep 4
  kill -9 "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  local deadline=$((SECONDS + 20)) clients
  while :; do
    clients=$(in_box sh -c 'tmux list-clients -t interview -F "#{client_pid}" | while read -r p; do grep -q "^PPid:[[:space:]]*0$" /proc/$p/status && tr "\0" "\n" < /proc/$p/environ | grep -q "^INTERVIEW_DOOR=" && echo "$p"; done' | wc -l)
    [ "$clients" = 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || fail "$clients door clients are still attached: $(in_box sh -c 'for p in $(tmux list-clients -t interview -F "#{client_pid}"); do echo "$p $(grep PPid /proc/$p/status) $(tr "\0" " " < /proc/$p/environ | grep -o "INTERVIEW_DOOR=[^ ]*") $(tr "\0" " " < /proc/$p/cmdline)"; done')"
    sleep 0.5
  done
  # The door still lets people in.
  run door_ssh "$SSH_KEY" 'echo still-open'
  assert_output 'still-open'
}

@test "[door] a door of another folder on the port is named, not trusted: the card would show the wrong host key" {
  local port=7626 other="$BATS_TEST_TMPDIR/other-door" name
  INTERVIEW_ENV_DOOR_DIR=$other "$ZX" "$REPO_ROOT/scripts/door.mjs" --port "$port" >/dev/null 2>&1 &
  local door=$!
  for _ in $(seq 100); do ssh-keyscan -p "$port" 127.0.0.1 >/dev/null 2>&1 && break; sleep 0.1; done
  name=$(new_interview_name otherdoor)
  run zx_script run hello --name "$name" --door-port "$port"
  kill "$door"
  assert_user_error "the front door on 127.0.0.1:$port shows host key $(ssh-keygen -lf "$other/host_ed25519.pub" | cut -d' ' -f2)"
  assert_line --partial 'another --door-port'
  assert_nothing_left "$name"
}
