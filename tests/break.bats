# Live fault injection: an interviewer applies a fault from the task's library to a running
# interview, and the interviewer's check takes it into account.
load helpers

setup_file() {
  start_interview nginx-502
  echo "$INTERVIEW" > "$BATS_FILE_TMPDIR/name"
  echo "$SSH_PORT" > "$BATS_FILE_TMPDIR/port"
  echo "$SSH_KEY" > "$BATS_FILE_TMPDIR/key"
}
teardown_file() { stop_interview "$(cat "$BATS_FILE_TMPDIR/name")"; }
setup() {
  INTERVIEW=$(cat "$BATS_FILE_TMPDIR/name")
  SSH_PORT=$(cat "$BATS_FILE_TMPDIR/port")
  SSH_KEY=$(cat "$BATS_FILE_TMPDIR/key")
}

@test "[break] lists the task's faults; the library is not in the image" {
  run zx_script break "$INTERVIEW"
  assert_success
  assert_line --regexp '^FAULT +WHAT IT DOES$'
  assert_line --regexp '^broken-include +A new file in /etc/nginx/conf.d breaks'
  assert_line --regexp '^firewall +A firewall rule rejects'
  run ssh_as_candidate 'sudo find / -xdev -name fault.md 2>/dev/null | wc -l'
  assert_output 0
}

@test "[break] a fault applied live makes a passing check fail until it too is fixed" {
  ssh_as_candidate 'bash -s' < "$REPO_ROOT/images/tasks/nginx-502/solution" >/dev/null
  run zx_script check "$INTERVIEW"
  assert_success
  assert_output OK
  run zx_script break "$INTERVIEW" broken-include
  assert_success
  assert_output --partial "applied broken-include to $INTERVIEW"
  run zx_script check "$INTERVIEW"
  assert_failure
  assert_output --regexp '^NO: \(fault broken-include\) nginx -t fails'
  # The host keeps the list of applied faults: nothing the candidate deletes in the box hides one.
  ssh_as_candidate 'sudo rm -rf /var/lib/interview/faults-applied /var/lib/interview/task'
  run zx_script check "$INTERVIEW"
  assert_failure
  assert_output --regexp '^NO: \(fault broken-include\) nginx -t fails'
  ssh_as_candidate 'sudo rm /etc/nginx/conf.d/ratelimit.conf'
  run zx_script check "$INTERVIEW"
  assert_success
  run zx_script break "$INTERVIEW" firewall
  assert_success
  run zx_script check "$INTERVIEW"
  assert_failure
  assert_output --partial 'NO: '
  ssh_as_candidate 'sudo iptables -D INPUT "$(sudo iptables -L INPUT -n --line-numbers | awk "/dpt:80/ { print \$1; exit }")"'
  run zx_script check "$INTERVIEW"
  assert_success
  assert_output OK
  # The timeline has both faults.
  run jq -r 'select(.type == "fault") | .fault' "$INTERVIEW_ENV_RECORDINGS/$INTERVIEW/events.jsonl"
  assert_output $'broken-include\nfirewall'
}

@test "[break] bad input: an unknown fault lists the faults; twice is refused; an unknown interview is named" {
  run zx_script break "$INTERVIEW" no-such-fault
  assert_user_error 'task nginx-502 has no fault "no-such-fault"'
  assert_output --partial 'its faults: broken-include, firewall'
  run zx_script break "$INTERVIEW" firewall
  assert_user_error 'fault "firewall" is already applied'
  run zx_script break no-such-interview firewall
  assert_user_error 'no interview named "no-such-interview"'
}
