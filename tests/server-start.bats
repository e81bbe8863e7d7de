# `run` with nothing serving its ports starts the whole server (scripts/serve.mjs) in the
# background: one process is the front door, the recorder and the gateway with the cockpit. A
# second `run` uses it; two at once start one.
load helpers

setup_file() {
  # Ports and a recordings root of this file's own: no door, recorder or gateway of another test serves them.
  export DOOR_PORT=$(( 20000 + RANDOM % 1000 )) WEB_PORT=$(( 19000 + RANDOM % 1000 ))
  export INTERVIEW_ENV_RECORDINGS="$BATS_FILE_TMPDIR/recordings"
}
teardown_file() {
  local name
  for name in $(cat "$BATS_FILE_TMPDIR/names" 2>/dev/null); do stop_interview "$name"; done
  echo "# the servers' logs:" >&3
  cat "$BATS_FILE_TMPDIR"/recordings*/.server/server.log 2>/dev/null | sed 's/^/#   /' >&3 || true
  pkill -f "scripts/serve.mjs --bind 127.0.0.1 --port ($WEB_PORT|$((WEB_PORT + 1))) " || true
  pkill -f "scripts/door.mjs --bind 0.0.0.0 --port $((DOOR_PORT + 2))" || true
}

# servers ON_WEB_PORT: the pids of the servers `run` started on that web port.
servers() { pgrep -f "scripts/serve.mjs --bind 127.0.0.1 --port $1 " || true; }

# listener PORT: the pid listening on 127.0.0.1:PORT.
listener() { ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2; }

# run_interview NAME [run args...]: starts a base interview with a candidate key; its --json is in $output.
run_interview() {
  local name=$1; shift
  SSH_KEY=$(new_key candidate)
  echo "$name" >>"$BATS_FILE_TMPDIR/names"
  run zx_script run base --name "$name" --key "$SSH_KEY.pub" --json "$@"
}

@test "[run] a run refused for bad input starts no server" {
  run zx_script run no-such-task --door-port "$DOOR_PORT" --web-port "$WEB_PORT"
  assert_user_error 'no-such-task'
  [ -z "$(servers "$WEB_PORT")" ] || fail "a server was started: $(servers "$WEB_PORT")"
  door_answers "$DOOR_PORT" && fail "a door was started on $DOOR_PORT"
  true
}

@test "[run] with nothing serving its ports, run starts the whole server: one process is the door, the recorder, the gateway and the cockpit" {
  door_answers "$DOOR_PORT" && fail "a door already answers on $DOOR_PORT"
  INTERVIEW=$(new_interview_name server)
  run_interview "$INTERVIEW" --door-port "$DOOR_PORT" --web-port "$WEB_PORT" --web
  assert_success
  assert_line --partial "interview server started: cockpit http://127.0.0.1:$WEB_PORT"
  local server card
  card=$(tail -n1 <<<"$output")
  server=$(servers "$WEB_PORT")
  [ "$(wc -w <<<"$server")" = 1 ] || fail "not one server: '$server'"
  # The door, the gateway and the recorder are that process, and nothing else was started.
  assert_equal "$(listener "$DOOR_PORT")" "$server"
  assert_equal "$(listener "$WEB_PORT")" "$server"
  assert_equal "$(cut -d' ' -f1 "$INTERVIEW_ENV_RECORDINGS/.recorder.pid")" "$server"
  run pgrep -f "door.mjs --bind 127.0.0.1 --port $DOOR_PORT|scripts/record.mjs --root $INTERVIEW_ENV_RECORDINGS|scripts/web.mjs --bind 127.0.0.1 --port $WEB_PORT"
  assert_failure
  # It serves the interview: a login through its door, the candidate's browser link, and the cockpit's API.
  SSH_PORT=$(jq -r .port <<<"$card") SSH_USER=$INTERVIEW
  assert_equal "$SSH_PORT" "$DOOR_PORT"
  run ssh_as_candidate 'echo served-by-$((6*7))'
  assert_output served-by-42
  run curl -s -o /dev/null -w '%{http_code}' "$(jq -r .web.candidate <<<"$card")"
  assert_output 200
  run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/api/interviews"
  assert_output 401
  # It records: the command is on the interview's timeline, by its door.
  wait_for_line "$(recording)/events.jsonl" '"type":"exec".*"by":"door".*served-by.*"status":0'
}

@test "[run] a second run uses the running server and starts nothing" {
  local before name
  before=$(servers "$WEB_PORT")
  [ -n "$before" ] || fail "the first test's server is not running"
  name=$(new_interview_name server)
  run_interview "$name" --door-port "$DOOR_PORT" --web-port "$WEB_PORT"
  assert_success
  refute_line --partial 'started'
  assert_equal "$(servers "$WEB_PORT")" "$before"
  [ -f "$INTERVIEW_ENV_RECORDINGS/$name/events.jsonl" ] || fail "the server does not record $name"
  SSH_PORT=$DOOR_PORT SSH_USER=$name
  run ssh_as_candidate 'echo second'
  assert_output second
  # Stopping the interviews leaves the server serving.
  zx_script stop "$name" >/dev/null
  assert_equal "$(servers "$WEB_PORT")" "$before"
  door_answers "$DOOR_PORT" || fail "the door went with the interview"
}

@test "[run] two runs at once, with nothing serving, start one server" {
  local port=$((WEB_PORT + 1)) door=$((DOOR_PORT + 1)) a b
  export INTERVIEW_ENV_RECORDINGS="$BATS_FILE_TMPDIR/recordings-2"
  a=$(new_interview_name race) b=$(new_interview_name race)
  echo "$a $b" >>"$BATS_FILE_TMPDIR/names"
  SSH_KEY=$(new_key candidate)
  zx_script run base --name "$a" --key "$SSH_KEY.pub" --door-port "$door" --web-port "$port" --json >"$BATS_TEST_TMPDIR/a" 2>&1 &
  local first=$!
  zx_script run base --name "$b" --key "$SSH_KEY.pub" --door-port "$door" --web-port "$port" --json >"$BATS_TEST_TMPDIR/b" 2>&1 || fail "run $b: $(cat "$BATS_TEST_TMPDIR/b")"
  wait "$first" || fail "run $a: $(cat "$BATS_TEST_TMPDIR/a")"
  [ "$(servers "$port" | wc -l)" = 1 ] || fail "not one server: $(servers "$port")"
  [ "$(cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | grep -c 'interview server started')" = 1 ] || fail "$(cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b")"
  SSH_PORT=$door
  for name in "$a" "$b"; do
    SSH_USER=$name
    run ssh_as_candidate "echo in-$name"
    assert_output "in-$name"
  done
}

@test "[run] on an address other hosts reach, run starts only the door: the cockpit stays off the network" {
  local door=$((DOOR_PORT + 2)) port=$((WEB_PORT + 2)) name
  name=$(new_interview_name wide)
  run_interview "$name" --bind 0.0.0.0 --door-port "$door" --web-port "$port"
  assert_success
  refute_line --partial 'interview server started'
  [ -z "$(servers "$port")" ] || fail "a server was started: $(servers "$port")"
  run ss -Hltn "sport = :$port"
  assert_output ''
  SSH_PORT=$door SSH_USER=$name
  run ssh_as_candidate 'echo through-the-door'
  assert_output through-the-door
}
