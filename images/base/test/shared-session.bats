# The promise of the base image: SSH logins as `user`, all interactive ones in ONE tmux session.
# These go to the image's own sshd (--no-door), as a published ssh-interview image is used; the front
# door's logins are tried in tests/door.bats.
load ../../../tests/helpers

setup_file() { start_interview base --no-door; }
teardown_file() { close_terminals; stop_interview; }

@test "[base] password login works" {
  run ssh_with_password "$SSH_PASSWORD" user whoami
  assert_success
  assert_output user
}

@test "[base] a wrong password is refused" {
  run ssh_with_password "not-$SSH_PASSWORD" user whoami
  assert_failure
  assert_output --partial 'Permission denied'
  refute_line user
}

@test "[base] key login works" {
  run ssh_as_candidate id -un
  assert_success
  assert_output user
}

@test "[base] root login is refused, by password and by key" {
  run ssh_with_password "$SSH_PASSWORD" root whoami
  assert_failure
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -i "$SSH_KEY" -p "$SSH_PORT" root@127.0.0.1 whoami
  assert_failure
  assert_output --partial 'Permission denied'
}

@test "[base] a non-interactive command runs and is not swallowed by tmux" {
  run ssh_as_candidate 'echo "$((6 * 7))"; test -z "$TMUX" && echo no-tmux'
  assert_success
  assert_line 42
  assert_line no-tmux
}

@test "[base] two clients share one session: what one types shows on the other's screen" {
  terminal_open alice
  terminal_open bob
  marker="shared-$RANDOM$RANDOM"
  terminal_type alice "echo $marker | tr a-z A-Z"
  wait_for_screen bob "${marker^^}"
  run ssh_as_candidate "tmux list-sessions -F '#{session_name}'; /usr/local/lib/interview/status people"
  assert_output $'interview\n2'   # two people; the host's recorder is a client too, and is not counted
}

@test "[base] a client that drops off abruptly leaves the shared shell running for the others" {
  terminal_open stays
  terminal_open drops
  terminal_type stays 'cat'   # a program that an end-of-file (Ctrl-D) would end
  sleep 0.5
  kill -KILL "$(_tmux list-panes -t drops -F '#{pane_pid}')"
  sleep 1
  marker="still-here-$RANDOM"
  terminal_type stays "$marker"
  wait_for_screen stays "$marker"
  # cat is still running (it echoes the line back), so no end-of-file reached the shared session.
  run ssh_as_candidate 'pgrep -x cat'
  assert_success
  close_terminals
}

@test "[base] a client that joins later sees the earlier output" {
  terminal_open early
  marker="earlier-$RANDOM$RANDOM"
  terminal_type early "echo $marker"
  wait_for_screen early "$marker"
  terminal_open late
  wait_for_screen late "$marker"
}

@test "[base] the rules card says how to become root, that the terminal is shared and recorded, and how to read the task" {
  terminal_open reader
  terminal_type reader 'clear; cat /etc/interview/rules-card.txt'
  wait_for_screen reader 'sudo -i'
  run terminal_screen reader
  assert_output --partial 'SHARED'
  assert_output --partial 'This session is RECORDED'
  assert_output --partial 'task'
}

@test "[base] tmux is set up for people: short escape-time, long history, 256 colours, task and time in the status line" {
  run ssh_as_candidate 'tmux has-session -t interview 2>/dev/null || tmux new-session -d -s interview; tmux show -sv escape-time; tmux show -gv history-limit; tmux show -gv default-terminal; tmux show -gv status-right'
  assert_success
  assert_line 10
  assert_line 50000
  assert_line tmux-256color
  assert_output --partial 'status right'
  run ssh_as_candidate /usr/local/lib/interview/status right
  assert_output --regexp '^elapsed [0-9]+:[0-9]{2} \| [0-9]+ connected$'
  run ssh_as_candidate /usr/local/lib/interview/status task
  assert_output base
  run ssh_as_candidate /usr/local/lib/interview/status clock
  assert_output --regexp '^elapsed [0-9]+:[0-9]{2}$'
}

@test "[base] the image ships no SSH host key: each container makes its own" {
  run docker run --rm --entrypoint= interview-env/base sh -c 'ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l'
  assert_output 0
  second=$(new_interview_name second)
  json=$("$ZX" "$REPO_ROOT/scripts/run.mjs" base --name "$second" --no-door --json)
  other_key=$(jq -r .hostKeyFingerprint <<<"$json")
  stop_interview "$second"
  assert [ -n "$HOST_KEY" ]
  assert [ "$HOST_KEY" != "$other_key" ]
}

@test "[base] sshd policy: no forwarding, at most 4 tries, short login grace" {
  run docker exec "$(interview_container)" sshd -T
  assert_line 'permitrootlogin no'
  assert_line 'maxauthtries 4'
  assert_line 'logingracetime 30'
  assert_line 'allowtcpforwarding no'
  assert_line 'allowagentforwarding no'
  assert_line 'x11forwarding no'
}

@test "[base] the candidate can become root with sudo" {
  run ssh_as_candidate sudo -n id -u
  assert_success
  assert_output 0
}
