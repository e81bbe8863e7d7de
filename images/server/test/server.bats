# The server's image (docs/server.md): scripts/serve.mjs in a container whose only privilege is the
# interview engine's socket (every capability dropped, no new privileges). Through it alone, an
# interviewer starts hello with the API, the candidate logs in over real SSH at its front door, the
# recording and the checker work, and after the container is killed and started again it takes
# the interview up.
load ../../../tests/helpers

setup_file() {
  SERVER=ie-test-server-$RANDOM
  WEB_PORT=$(( 17000 + RANDOM % 1000 ))
  DOOR=$(( WEB_PORT + 1000 ))
  # The state folder is mounted at the same path inside, so the labels' paths mean the same on both sides.
  STATE=$(mktemp -d "${TMPDIR:-/tmp}/server-image.XXXXXX")
  export SERVER WEB_PORT DOOR STATE
  docker run -d --name "$SERVER" --userns=host --network host --cap-drop ALL --security-opt no-new-privileges \
    -v "$(engine_socket):/run/interview-env/docker.sock" -v "$STATE:$STATE" -e "INTERVIEW_ENV_RECORDINGS=$STATE/recordings" \
    interview-env/server --port "$WEB_PORT" --door-port "$DOOR" >/dev/null
  wait_for_server_log 'recording the interviews of'
  TOKEN=$(docker exec "$SERVER" node node_modules/zx/build/cli.js scripts/interviewers.mjs add alice | sed -n 's/^alice: //p')
  export TOKEN
}

teardown_file() {
  [ -s "$STATE/name" ] && api DELETE "/interviews/$(cat "$STATE/name")" >/dev/null
  docker rm -f "$SERVER" >/dev/null 2>&1 || true
  rm -rf "$STATE"
}

engine_socket() { local host=${DOCKER_HOST:-unix:///run/interview-env/docker.sock}; echo "${host#unix://}"; }

# wait_for_server_log PATTERN [SINCE]: waits for a line of the server's log (written since SINCE, a Unix time).
wait_for_server_log() {
  for _ in $(seq 100); do
    docker logs --since "${2:-0}" "$SERVER" 2>&1 | grep -q "$1" && return 0
    sleep 0.2
  done
  docker logs "$SERVER" >&3 2>&1
  return 1
}

# api METHOD PATH [JSON]: the API as alice, printing the body.
api() {
  curl -s -X "$1" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$WEB_PORT/api$2"
}

@test "[server image] runs with no capability, and serves the cockpit, its API and the front door" {
  run docker inspect -f '{{.HostConfig.CapDrop}} {{.HostConfig.Privileged}} {{.State.Running}}' "$SERVER"
  assert_output '[ALL] false true'
  run docker exec "$SERVER" grep ^CapEff /proc/1/status
  assert_output --regexp 'CapEff:[[:space:]]+0+$'
  run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/"
  assert_output 200
  run api GET /tasks
  assert_output --partial '"name":"hello"'
  run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/api/tasks"
  assert_output 401
}

@test "[server image] an interview started with its API: a candidate at its door, recorded, checked, and taken up after a kill" {
  SSH_KEY=$(new_key candidate)
  card=$(api POST /interviews "$(jq -nc --arg key "$(cat "$SSH_KEY.pub")" '{task: "hello", keys: [$key]}')")
  INTERVIEW=$(jq -r .name <<<"$card")
  [ "$INTERVIEW" != null ] || fail "no interview: $card"
  echo "$INTERVIEW" > "$STATE/name"
  SSH_PORT=$(jq -r .port <<<"$card") SSH_USER=$(jq -r .user <<<"$card")
  assert_equal "$SSH_PORT" "$DOOR"
  assert_equal "$(jq -r .recording <<<"$card")" "$STATE/recordings/$INTERVIEW"
  run ssh_as_candidate "tmux send-keys -t interview 'echo from-the-server-image-\$((6*7))' Enter; hostname"
  assert_success
  assert_output "$INTERVIEW"
  wait_for_line "$STATE/recordings/$INTERVIEW/session.cast" 'from-the-server-image-42'
  # The checker is a container the server starts on the engine.
  run api POST "/interviews/$INTERVIEW/check"
  assert_output --partial '"ok":false'
  assert_output --partial 'NO: '

  # Killed, and started again (as `--restart unless-stopped` or systemd would): it takes the interview up.
  docker kill "$SERVER" >/dev/null
  run ssh_as_candidate true
  assert_failure
  since=$(date +%s)
  docker start "$SERVER" >/dev/null
  wait_for_server_log "$INTERVIEW: recording in" "$since"
  run api GET "/interviews/$INTERVIEW"
  assert_output --partial "\"name\":\"$INTERVIEW\""
  wait_for_line "$STATE/recordings/$INTERVIEW/events.jsonl" '"type":"gap"'
  run ssh_as_candidate "tmux send-keys -t interview 'echo after-the-restart-\$((6*7))' Enter"
  assert_success
  wait_for_line "$STATE/recordings/$INTERVIEW/session.cast" 'after-the-restart-42'

  run curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$WEB_PORT/api/interviews/$INTERVIEW"
  assert_output 200
  rm "$STATE/name"
  wait_for_line "$STATE/recordings/$INTERVIEW/events.jsonl" '"type":"end"'
  run docker ps -aq --filter "name=^ie-$INTERVIEW$"
  assert_output ''
}

@test "[server image] the systemd units are valid, and the server's command line is one serve.mjs takes" {
  cd "$REPO_ROOT/images/server/systemd"
  run systemd-analyze verify interview-engine.service interview-env.service
  assert_success
  assert_output ''
  command=$(sed -n 's/^ExecStart=//p' interview-env.service)
  assert_regex "$command" '^/usr/bin/env node node_modules/zx/build/cli.js scripts/serve.mjs '
  help=$(zx_script serve --help)
  for flag in $(grep -oE -- '--[a-z-]+' <<<"$command"); do
    grep -qE -- "^ +$flag( |$)" <<<"$help" || fail "serve.mjs takes no $flag"
  done
}
