# The suite every multi-service task passes besides the generic task suite (TASK=<name> bats
# tests/compose-task): the candidate's box and the services of its compose.yaml are one interview,
# from run to stop, and the services stay on the interview's private network.
load ../helpers

setup_file() {
  [ -n "${TASK:-}" ] || { echo "set TASK to a folder of images/tasks that has a compose.yaml" >&2; return 1; }
  TASK_DIR="$REPO_ROOT/images/tasks/$TASK"
  [ -f "$TASK_DIR/compose.yaml" ] || { echo "$TASK_DIR has no compose.yaml" >&2; return 1; }
  export TASK_DIR
  start_interview "$TASK"
}
teardown_file() { stop_interview; }

# The services compose.yaml declares, sorted, as Compose itself reads them.
declared_services() {
  (cd "$TASK_DIR" && { docker compose config --services 2>/dev/null || docker-compose config --services; }) | sort
}

@test "[$TASK] run starts the box and every service of compose.yaml, each on the interview's network only" {
  assert_equal "$(jq -r '.services[]' <<<"$RUN_JSON" | sort)" "$(declared_services)"
  for service in $(declared_services); do
    id=$(service_container "$service")
    assert [ -n "$id" ]
    assert_equal "$(docker inspect -f '{{range $net, $_ := .NetworkSettings.Networks}}{{$net}} {{end}}' "$id")" "ie-$INTERVIEW "
    run ssh_as_candidate getent hosts "$service"
    assert_success
  done
  run docker exec "$(service_container "$(declared_services | head -n1)")" getent hosts box
  assert_success
}

@test "[$TASK] the services publish no port, are not privileged, and run under limits, the box's disk cap included" {
  for service in $(declared_services); do
    id=$(service_container "$service")
    assert_equal "$(docker port "$id")" ''
    assert_equal "$(docker inspect -f '{{.HostConfig.Privileged}} {{.HostConfig.CapAdd}} {{.HostConfig.NetworkMode}}' "$id")" "false [] ie-$INTERVIEW"
    assert [ "$(docker inspect -f '{{.HostConfig.Memory}}' "$id")" -gt 0 ]
    assert [ "$(docker inspect -f '{{.HostConfig.PidsLimit}}' "$id")" -gt 0 ]
    assert_equal "$(docker inspect -f '{{.HostConfig.StorageOpt.size}}' "$id")" 4G
  done
}

@test "[$TASK] list shows the interview once, with each service and its state" {
  run zx_script list
  assert_success
  assert_equal "$(grep -c "^$INTERVIEW " <<<"$output")" 1
  for service in $(declared_services); do
    assert_line --regexp "^$INTERVIEW .*$service (up|healthy)"
  done
  run zx_script list --json
  assert_equal "$(jq -r --arg n "$INTERVIEW" '.[] | select(.name == $n) | .services | map(.name) | .[]' <<<"$output" | sort)" "$(declared_services)"
}

@test "[$TASK] debug --service gives the interviewer a shell in a service; the candidate has none there" {
  service=$(declared_services | head -n1)
  run zx_script debug "$INTERVIEW" --service "$service" -- hostname
  assert_success
  run zx_script debug "$INTERVIEW" --service no-such-service -- true
  assert_user_error "has no running service \"no-such-service\""
  assert_line --partial "its services: "
  run ssh_as_candidate test -e /var/run/docker.sock
  assert_failure
  run ssh_as_candidate ssh -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no "$service" true
  assert_failure
}

@test "[$TASK] a time limit takes down the services with the box, and keeps the recording" {
  # The limit counts from the box's creation, before the services start: it must outlast a start on a
  # busy host (several suites at once), or the interview ends while run still waits for its services.
  start_interview "$TASK" --ttl 40s
  local deadline=$((SECONDS + 70))
  while docker inspect "$(interview_container)" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the interview outlived its time limit"
    sleep 0.5
  done
  for _ in $(seq 40); do [ -z "$(docker ps -aq --filter "label=interview-env.interview=$INTERVIEW")" ] && break; sleep 0.5; done
  assert_nothing_left "$INTERVIEW"
  run jq -r .type "$(jq -r .recording <<<"$RUN_JSON")/events.jsonl"
  assert_line expired
}

@test "[$TASK] stop takes down the box, every service, their volumes and the network" {
  run zx_script stop "$INTERVIEW"
  assert_success
  assert_nothing_left "$INTERVIEW"
}
