# The rules card is what candidates trust: each instruction on it is tried with two real clients.
load ../../../tests/helpers

setup_file() { start_interview base; }
teardown_file() { close_terminals; stop_interview; }
# A failed test leaves no terminal behind for the next one.
teardown() { close_terminals; }

card() { ssh_as_candidate cat /etc/interview/rules-card.txt; }

# The shared session's state, seen from inside: WINDOW-COUNT ACTIVE-WINDOW-INDEX PANE-IN-COPY-MODE.
session_state() { ssh_as_candidate "tmux display-message -p -t interview '#{session_windows} #{window_index} #{pane_in_mode}'"; }

wait_for_state() {
  local deadline=$((SECONDS + 10))
  until [ "$(session_state)" = "$1" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "the session never reached '$1'; it is '$(session_state)'" >&2; return 1; }
    sleep 0.2
  done
}

@test "[rules card] it says every window is shared, and never promises a private one" {
  run card
  assert_success
  assert_output --partial 'Every window is shared'
  refute_output --regexp '[Pp]rivate'
  assert_output --partial 'RECORDED'
}

@test "[rules card] becoming root with sudo -i works as it says" {
  run card
  assert_output --partial 'sudo -i'
  terminal_open alice
  terminal_type alice 'sudo -i'
  terminal_type alice 'echo "uid-is-$(id -u)"'
  wait_for_screen alice 'uid-is-0'
  terminal_type alice 'exit'
  close_terminals
}

@test "[rules card] 'task' reads the task" {
  run card
  assert_output --partial 'Read the task with:   task'
  run ssh_as_candidate task
  assert_success
  assert_output --partial 'no written task'
}

@test "[rules card] Ctrl-b c opens a new window that everyone sees, and Ctrl-b n switches for everyone" {
  run card
  assert_output --partial 'Ctrl-b c opens a new window, and everyone'
  assert_output --partial 'Switch windows with Ctrl-b n'
  terminal_open alice
  terminal_open bob
  wait_for_state '1 0 0'
  _tmux send-keys -t alice C-b c
  wait_for_state '2 1 0'
  marker="in-the-new-window-$RANDOM"
  terminal_type alice "echo $marker"
  # The other client is moved to the new window at once and sees what is typed there.
  wait_for_screen bob "$marker"
  _tmux send-keys -t alice C-b n
  wait_for_state '2 0 0'
  sleep 0.5
  run terminal_screen bob
  refute_output --partial "$marker"
  _tmux send-keys -t bob C-b n
  wait_for_state '2 1 0'
  wait_for_screen alice "$marker"
  terminal_type alice 'exit'
  wait_for_state '1 0 0'
  close_terminals
}

@test "[rules card] Ctrl-b [ scrolls back, and q leaves" {
  run card
  assert_output --partial 'Scroll back: Ctrl-b [ then the arrows or PgUp; q to leave.'
  terminal_open alice
  # 399 is on the screen only once seq has printed it (the typed command line shows 400).
  terminal_type alice 'seq 100 400'
  wait_for_screen alice '399'
  _tmux send-keys -t alice C-b '['
  wait_for_state '1 0 1'
  _tmux send-keys -t alice PPage PPage
  # The keys travel through the SSH client to the box's tmux: wait for them to arrive.
  local deadline=$((SECONDS + 10)) position=0
  until [ "${position:-0}" -gt 0 ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "PgUp in copy mode never scrolled back (scroll position $position)"
    sleep 0.2
    position=$(ssh_as_candidate "tmux display-message -p -t interview '#{scroll_position}'")
  done
  _tmux send-keys -t alice q
  wait_for_state '1 0 0'
  close_terminals
}

@test "[rules card] 'exit' in the last window closes the terminal for everyone" {
  run card
  assert_output --partial '`exit` in the last window closes the terminal for everyone.'
  terminal_open alice
  terminal_open bob
  terminal_type alice 'exit'
  local deadline=$((SECONDS + 10))
  while _tmux has-session -t bob 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "bob's terminal stayed open after the last window closed"
    sleep 0.2
  done
  run ssh_as_candidate 'tmux has-session -t interview'
  assert_failure
}
