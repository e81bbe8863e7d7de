# What the shared session prints cannot speak to an interviewer's own terminal: clipboard writes
# (OSC 52), titles and tmux passthrough are dropped on the way to each SSH client. The interviewer's
# terminal here is a host-side tmux with set-clipboard on: an OSC 52 that reached it would become
# one of its paste buffers, and a title would become its pane's title.
load ../../../tests/helpers

setup_file() { start_interview base; }
teardown_file() { close_terminals; stop_interview; }

@test "[output filter] OSC 52, passthrough and title sequences from the candidate never reach an interviewer's terminal" {
  terminal_open bob
  _tmux set -g set-clipboard on
  _tmux set -g allow-passthrough on
  _tmux set -g allow-rename on
  _tmux select-pane -t bob -T before
  # The candidate owns the shared tmux server and opens every door it has.
  run ssh_as_candidate 'tmux set -g allow-passthrough on; tmux set -g set-clipboard on; tmux set -g set-titles on'
  assert_success
  terminal_type bob "printf '\\033]52;c;%s\\007' \$(printf stolen-1 | base64)"
  terminal_type bob "printf '\\033Ptmux;\\033\\033]52;c;%s\\007\\033\\\\' \$(printf stolen-2 | base64)"
  terminal_type bob "printf '\\033]2;pwned-title\\007\\033]0;pwned-title\\007'"
  terminal_type bob "printf '\\302\\2352;pwned-title\\007'"
  terminal_type bob 'echo after-the-sequences'
  wait_for_screen bob 'after-the-sequences'
  sleep 0.5
  run _tmux list-buffers -F '#{buffer_sample}'
  refute_output --partial 'stolen'
  run _tmux display-message -p -t bob '#{pane_title}'
  refute_output --partial 'pwned'
  # Ordinary escape sequences still pass: colours reach the terminal.
  terminal_type bob "printf '\\033[31mred-text\\033[0m\\n'"
  wait_for_screen bob 'red-text'
  run _tmux capture-pane -e -p -t bob
  assert_output --regexp $'\e\\[31mred-text'
}

@test "[output filter] the filter is the terminal's only change: a passthrough-free session shows the same text" {
  terminal_open carol
  marker="plain-$RANDOM"
  terminal_type carol "echo $marker; printf 'é ü ✓\\n'"
  wait_for_screen carol "$marker"
  wait_for_screen carol 'é ü ✓'
}
