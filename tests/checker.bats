# The interviewer's check runs in the checker: its own tools beside the box, the task's state kept
# outside the box. Each test is an attack by the candidate, who is root in the box.
load helpers

teardown() { [ -n "${INTERVIEW:-}" ] && stop_interview; true; }

@test "[checker] a task state the candidate rewrites in the box fools only their own task check" {
  start_interview hello
  # Root in the box: a "secret" of their own, and the box's copy of the state made to match it.
  ssh_as_candidate 'echo forged > ~/secret.txt; printf "SECRET_SHA=%s\n" "$(printf forged | sha256sum | cut -d" " -f1)" | sudo tee /var/lib/interview/task/state >/dev/null'
  run ssh_as_candidate task check
  assert_output OK
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output 'NO: /home/user/secret.txt does not hold the secret'
}

@test "[checker] a check leaves no container behind, and the box cannot see the state volume" {
  start_interview hello
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_equal "$(docker ps -aq --filter "label=interview-env.interview=$INTERVIEW" --filter label=interview-env.role=checker)" ''
  assert_equal "$(docker volume ls -q --filter "label=interview-env.interview=$INTERVIEW")" "ie-$INTERVIEW-task-state"
  run docker inspect -f '{{range .Mounts}}{{.Name}} {{end}}' "$(interview_container)"
  refute_output --partial task-state
}

@test "[checker] an absolute symlink planted in the box does not lead the check into the checker's files" {
  start_interview disk-full
  # /srv made a link to /tmp: through /proc/1/root, /srv/data would name a folder of the checker.
  ssh_as_candidate 'sudo sh -c "mv /srv /srv.real && ln -s /tmp /srv"'
  run zx_script check "$INTERVIEW"
  assert_failure 1
  assert_output 'NO: /srv/data is not the data folder any more'
}
