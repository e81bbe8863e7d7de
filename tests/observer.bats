# An observer watches and does nothing else: each test tries, with a real observer key over real
# OpenSSH, to do more than watch.
load helpers

setup_file() {
  export CAROL DAN
  CAROL=$(new_key carol)   # an observer from the start
  DAN=$(new_key dan)       # an observer added during the interview
  start_interview base --no-door --observer "$CAROL.pub"   # the box's own login gate (door.bats: the front door's)
  zx_script keys add "$INTERVIEW" "$DAN.pub" --role observer
}
teardown_file() { close_terminals; stop_interview; }

window_size() { ssh_as_candidate "tmux display-message -p -t interview '#{window_width}x#{window_height}'"; }

@test "[observer] a command given to ssh is refused before anything runs, for each observer key" {
  for key in "$CAROL" "$DAN"; do
    run ssh_with_key "$key" 'tmux send-keys -t interview "touch /tmp/observer-typed" Enter; sudo -n id; sudo cat /proc/1/environ; touch /tmp/observer-ran'
    assert_failure
    assert_output --partial 'observers only watch'
    refute_output --partial 'uid=0'
    refute_output --partial 'INTERVIEW_PASSWORD'
  done
  sleep 1
  run ssh_as_candidate 'ls /tmp/observer-typed /tmp/observer-ran'
  assert_failure
}

@test "[observer] a terminal with a command (ssh -tt ... tmux attach) is refused" {
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -p "$SSH_PORT" -tt user@127.0.0.1 'tmux attach -t interview'
  assert_failure
  assert_output --partial 'observers only watch'
}

@test "[observer] a shell without a terminal, sftp and scp are refused" {
  run ssh "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -p "$SSH_PORT" -T user@127.0.0.1 <<<'id > /tmp/observer-shell'
  assert_failure
  run sftp -b - "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -P "$SSH_PORT" user@127.0.0.1 <<<'ls /'
  assert_failure
  echo x > "$BATS_TEST_TMPDIR/file"
  run scp "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -P "$SSH_PORT" "$BATS_TEST_TMPDIR/file" user@127.0.0.1:/tmp/observer-copied
  assert_failure
  run scp -O "${_ssh_options[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$CAROL" -P "$SSH_PORT" "$BATS_TEST_TMPDIR/file" user@127.0.0.1:/tmp/observer-copied
  assert_failure
  run ssh_as_candidate 'ls /tmp/observer-shell /tmp/observer-copied'
  assert_failure
}

@test "[observer] an observer's key lines carry restrict, pty and the login gate as forced command, from the start and when added later" {
  run ssh_as_candidate 'cat ~/.ssh/authorized_keys'
  assert_line --regexp '^restrict,pty,command="/usr/local/lib/interview/login" ssh-ed25519 [^ ]+ carol$'
  assert_line --regexp '^restrict,pty,command="/usr/local/lib/interview/login" ssh-ed25519 [^ ]+ dan$'
  run zx_script keys list "$INTERVIEW"
  assert_output --partial 'carol'
  assert_output --partial 'dan'
}

@test "[observer] an observer's client is read-only and never sizes the shared window" {
  terminal_open alice            # the candidate, 120x40: the window is 120x39 (one line of status)
  wait_for_screen alice 'connected'
  [ "$(window_size)" = 120x39 ] || fail "the window is $(window_size), not the candidate's 120x39"
  _tmux new-session -d -s carol -x 40 -y 9 "ssh ${_ssh_options[*]} -o BatchMode=yes -o IdentitiesOnly=yes -i $CAROL -p $SSH_PORT -tt user@127.0.0.1"
  wait_for_screen carol 'connected'
  run ssh_as_candidate "tmux list-clients -t interview -F '#{client_width}x#{client_height} #{client_flags}'"
  assert_line --regexp '^40x9 .*read-only'
  assert_line --regexp '^40x9 .*ignore-size'
  # Typing as the observer does nothing.
  _tmux send-keys -t carol -l 'touch /tmp/observer-keys'
  _tmux send-keys -t carol Enter
  _tmux resize-window -t carol -x 30 -y 8
  sleep 1
  [ "$(window_size)" = 120x39 ] || fail "the observer resized the window to $(window_size)"
  # Alone, the observer still does not size it: the recorder, always the window's size, holds it.
  local deadline=$((SECONDS + 10))
  until ssh_as_candidate "tmux list-clients -t interview -F '#{client_width}x#{client_height} #{client_flags}'" | grep -q '^120x40 .*read-only' ; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the recorder never took the window's size"
    sleep 0.2
  done
  _tmux kill-session -t alice
  sleep 1
  [ "$(window_size)" = 120x39 ] || fail "the observer, alone, resized the window to $(window_size)"
  run ssh_as_candidate 'test -e /tmp/observer-keys'
  assert_failure
  close_terminals
}
