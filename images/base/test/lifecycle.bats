# An interview stops fast, and stays contained under a fork bomb.
load ../../../tests/helpers

teardown() { stop_interview; }

@test "[base] docker stop takes under 2 s (PID 1 passes the signal on)" {
  start_interview base
  start=$(date +%s%N)
  run docker stop "$(interview_container)"
  assert_success
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "docker stop took ${elapsed_ms} ms"
  assert [ "$elapsed_ms" -lt 2000 ]
}

@test "[base] a fork bomb is contained: the host stays responsive and the interview can be stopped" {
  start_interview base --pids 200 --no-record   # the recorder's docker exec would count as a process too
  ssh_as_candidate 'nohup bash -c ":(){ :|:& };:" >/dev/null 2>&1 &' || true
  sleep 3
  run interview_cgroup_value pids.current
  echo "processes in the interview: $output"
  assert_success
  assert [ "$output" -le 200 ]
  assert [ "$output" -ge 100 ]   # the bomb really ran
  # The host still starts processes at once.
  run timeout 5 bash -c 'for i in $(seq 20); do /bin/true; done; echo host-ok'
  assert_output host-ok
  start=$(date +%s)
  run "$ZX" "$REPO_ROOT/scripts/stop.mjs" "$INTERVIEW"
  assert_success
  assert [ $(( $(date +%s) - start )) -lt 30 ]
  run docker ps -a --filter "label=interview-env.interview=$INTERVIEW" -q
  assert_output ''
  INTERVIEW=
}
